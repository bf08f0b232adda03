using Xunit;
using YoloX.Testing;
using YoloX.Training.Data;

namespace YoloX.Training.Tests.Data;

public sealed class ValidatorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("yolox-validate-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Validator_reports_missing_and_unreadable_images_duplicate_ids_unknown_classes_and_boxes_outside()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "images"));
        File.Copy(SharedAssets.DogJpg, Path.Combine(_dir, "images", "dog.jpg"));        // 768×576
        File.WriteAllText(Path.Combine(_dir, "images", "broken.jpg"), "not a jpeg");
        var json = Path.Combine(_dir, "gt.json");
        File.WriteAllText(json, """
            {"images": [
              {"id": 1, "file_name": "dog.jpg", "width": 768, "height": 576},
              {"id": 2, "file_name": "broken.jpg", "width": 100, "height": 100},
              {"id": 3, "file_name": "gone.jpg", "width": 100, "height": 100},
              {"id": 3, "file_name": "dog.jpg", "width": 700, "height": 576}
            ],
            "categories": [{"id": 1, "name": "dog"}],
            "annotations": [
              {"id": 1, "image_id": 1, "category_id": 1, "bbox": [10, 10, 50, 50], "area": 2500, "iscrowd": 0},
              {"id": 1, "image_id": 1, "category_id": 1, "bbox": [700, 10, 100, 50], "area": 5000, "iscrowd": 0},
              {"id": 2, "image_id": 1, "category_id": 1, "bbox": [900, 10, 10, 10], "area": 100, "iscrowd": 0},
              {"id": 3, "image_id": 1, "category_id": 5, "bbox": [10, 10, 10, 10], "area": 100, "iscrowd": 0},
              {"id": 4, "image_id": 9, "category_id": 1, "bbox": [10, 10, 10, 10], "area": 100, "iscrowd": 0},
              {"id": 5, "image_id": 1, "category_id": 1, "bbox": [10, 10, 0, 10], "area": 0, "iscrowd": 0}
            ]}
            """);
        var report = DatasetValidator.Check(json, DatasetFormat.Coco, new DatasetReadOptions { ImagesDirectory = Path.Combine(_dir, "images") });
        var codes = report.Issues.Select(i => i.Code).ToList();
        Assert.Contains("missing-image", codes);
        Assert.Contains("unreadable-image", codes);
        Assert.Contains("size-mismatch", codes);            // image 3 (dup) says 700 wide
        Assert.Equal(2, codes.Count(c => c == "duplicate-id")); // image id 3, annotation id 1
        Assert.Contains("duplicate-file", codes);
        Assert.Contains("box-exceeds-image", codes);
        Assert.Contains("box-outside-image", codes);
        Assert.Contains("unknown-class", codes);
        Assert.Contains("unknown-image", codes);
        Assert.Contains("zero-size-box", codes);
        Assert.False(report.IsValid);
        // Every annotation problem points into the JSON at the annotation's own line.
        Assert.All(report.Issues.Where(i => i.Code is "zero-size-box" or "unknown-class"),
            i => Assert.True(i.Location!.Value.Line >= 10, i.ToString()));
        Assert.Equal(4, report.ImageCount);
    }

    [Fact]
    public void Format_is_detected_from_the_layout()
    {
        Assert.Equal(DatasetFormat.Coco, DatasetIO.Detect(SharedAssets.Asset("datasets/coco128")));
        Assert.Equal(DatasetFormat.Voc, DatasetIO.Detect(SharedAssets.Asset("datasets/bccd")));
        Directory.CreateDirectory(Path.Combine(_dir, "labels"));
        Assert.Equal(DatasetFormat.Yolo, DatasetIO.Detect(_dir));
        Assert.Throws<DatasetFormatException>(() => DatasetIO.Detect(Path.Combine(_dir, "labels")));
    }

    [Theory]
    [InlineData("names: [cat, 'dog', \"bird\"]\n")]
    [InlineData("path: .\nnames:\n  0: cat\n  1: dog\n  2: bird\nnc: 3\n")]
    [InlineData("names:\n- cat\n- dog\n- bird\n")]
    public void Yaml_names_lists_and_mappings_are_read(string yaml)
    {
        var file = Path.Combine(_dir, "data.yaml");
        File.WriteAllText(file, yaml);
        Assert.Equal(["cat", "dog", "bird"], YoloTxtReader.ReadNames(file));
    }

    [Fact]
    public void Coco128_names_come_from_its_yolo_config()
    {
        var names = YoloTxtReader.ReadNames(SharedAssets.Asset("datasets/coco128/labels/coco128-yolo-config.yaml"));
        Assert.Equal(80, names.Count);
        Assert.Equal("toothbrush", names[79]);
    }
}
