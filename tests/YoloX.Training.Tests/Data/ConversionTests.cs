using Xunit;
using YoloX.Testing;
using YoloX.Training.Data;

namespace YoloX.Training.Tests.Data;

public sealed class ConversionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("yolox-convert-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static DetectionDataset BccdTest() =>
        VocReader.Read(SharedAssets.Asset("datasets/bccd"), new DatasetReadOptions { Split = "test" });

    private static void AssertSameBoxes(DetectionDataset expected, DetectionDataset actual, double tolerance)
    {
        Assert.Equal(expected.ClassNames, actual.ClassNames);
        Assert.Equal(expected.Images.Select(i => i.FileName), actual.Images.Select(i => i.FileName));
        foreach (var (e, a) in expected.Images.Zip(actual.Images))
        {
            var eb = expected.AnnotationsOf(e.Id).Where(x => x.Box.Area > 0).ToList();
            var ab = actual.AnnotationsOf(a.Id).ToList();
            Assert.Equal(eb.Count, ab.Count);
            foreach (var (x, y) in eb.Zip(ab))
            {
                Assert.Equal(x.ClassId, y.ClassId);
                Assert.Equal(x.Box.X, y.Box.X, tolerance);
                Assert.Equal(x.Box.Y, y.Box.Y, tolerance);
                Assert.Equal(x.Box.X2, y.Box.X2, tolerance);
                Assert.Equal(x.Box.Y2, y.Box.Y2, tolerance);
            }
        }
    }

    [Fact]
    public void Voc_to_coco_json_round_trips_boxes_exactly()
    {
        var voc = BccdTest();
        DatasetWriter.Write(voc, DatasetFormat.Coco, _dir, "test", copyImages: false);
        var coco = CocoJsonReader.Read(Path.Combine(_dir, "annotations", "instances_test.json"));
        AssertSameBoxes(voc, coco, 0);
    }

    [Fact]
    public void Voc_to_yolo_round_trips_boxes_within_txt_precision()
    {
        var voc = BccdTest();
        var result = DatasetWriter.Write(voc, DatasetFormat.Yolo, _dir);
        Assert.Equal(945, result.Boxes);
        var yolo = YoloTxtReader.Read(_dir);
        AssertSameBoxes(voc, yolo, 1e-3); // 6 decimals × 640 px
    }

    [Fact]
    public void Coco_to_voc_round_trips_and_keeps_class_names()
    {
        var coco = CocoJsonReader.Read(SharedAssets.Asset("datasets/coco128/annotations/instances_train2017.json"));
        DatasetWriter.Write(coco, DatasetFormat.Voc, _dir, "train", copyImages: false);
        var voc = VocReader.Read(_dir, new DatasetReadOptions { ClassNames = coco.ClassNames, Split = "train" });
        Assert.Empty(voc.Issues);
        Assert.Equal(939, voc.Annotations.Count);
        Assert.Equal(10, voc.Annotations.Count(a => a.Difficult)); // crowd boxes become difficult
        AssertSameBoxes(coco, voc, 1e-9); // COCO's 2-decimal values survive the 3-decimal XML text
    }

    [Fact]
    public void Coco_json_round_trip_keeps_category_ids_crowd_flags_areas_and_empty_images()
    {
        var coco = CocoJsonReader.Read(SharedAssets.Asset("datasets/coco128/annotations/instances_train2017.json"));
        DatasetWriter.Write(coco, DatasetFormat.Coco, _dir, "train2017", copyImages: false);
        var back = CocoJsonReader.Read(Path.Combine(_dir, "annotations", "instances_train2017.json"));
        Assert.Equal(coco.CategoryIds, back.CategoryIds);
        Assert.Equal(coco.ClassNames, back.ClassNames);
        Assert.Equal(coco.Images.Select(i => (i.Id, i.FileName, i.Width, i.Height)), back.Images.Select(i => (i.Id, i.FileName, i.Width, i.Height)));
        Assert.Equal(coco.Annotations.Select(a => (a.Id, a.ImageId, a.ClassId, a.Box, a.Area, a.IsCrowd)),
            back.Annotations.Select(a => (a.Id, a.ImageId, a.ClassId, a.Box, a.Area, a.IsCrowd)));
    }
}
