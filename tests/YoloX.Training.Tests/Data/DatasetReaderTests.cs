using Xunit;
using YoloX.Testing;
using YoloX.Training.Data;

namespace YoloX.Training.Tests.Data;

public sealed class DatasetReaderTests
{
    private static string Coco128 => SharedAssets.Asset("datasets/coco128");

    private static string Coco128Json => SharedAssets.Asset("datasets/coco128/annotations/instances_train2017.json");

    [Fact]
    public void Coco_json_reader_keeps_all_images_crowd_flags_and_sorted_category_ids()
    {
        var ds = CocoJsonReader.Read(Coco128Json);
        Assert.Equal(128, ds.Images.Count);
        Assert.Equal(939, ds.Annotations.Count);
        Assert.Equal(10, ds.Annotations.Count(a => a.IsCrowd));
        Assert.Equal(80, ds.ClassNames.Count);
        Assert.Equal("person", ds.ClassNames[0]);
        Assert.Equal(90, ds.CategoryIds[^1]); // toothbrush keeps its COCO id
        Assert.Equal(2, ds.Images.Count(i => ds.AnnotationsOf(i.Id).Count == 0));
        Assert.All(ds.Images, i => Assert.True(File.Exists(i.FilePath), i.FilePath));
    }

    [Fact]
    public void Yolo_labels_of_coco128_equal_the_non_crowd_boxes_of_its_coco_json()
    {
        // The txt values carry 6 decimals of a normalised coordinate: ≤ 5e-7 × 640 px ≈ 3.2e-4 px of rounding on a
        // centre or size, so ≤ ~5e-4 px on a corner (cx − w/2). Allow 1e-3 px.
        const double tolerancePx = 0.001;
        var coco = CocoJsonReader.Read(Coco128Json);
        var yolo = YoloTxtReader.Read(Coco128);
        Assert.Equal(coco.ClassNames, yolo.ClassNames);
        Assert.Equal(128, yolo.Images.Count);
        var yoloByFile = yolo.Images.ToDictionary(i => i.FileName);
        var compared = 0;
        foreach (var image in coco.Images)
        {
            var y = yoloByFile[image.FileName];
            Assert.Equal((image.Width, image.Height), (y.Width, y.Height));
            var expected = coco.AnnotationsOf(image.Id).Where(a => !a.IsCrowd).ToList();
            var actual = yolo.AnnotationsOf(y.Id);
            Assert.Equal(expected.Count, actual.Count);
            // Upstream kept the JSON's annotation order; match box by box.
            for (var n = 0; n < expected.Count; n++)
            {
                var (e, a) = (expected[n], actual[n]);
                Assert.Equal(e.ClassId, a.ClassId);
                Assert.True(Math.Abs(e.Box.X - a.Box.X) <= tolerancePx && Math.Abs(e.Box.Y - a.Box.Y) <= tolerancePx &&
                            Math.Abs(e.Box.X2 - a.Box.X2) <= tolerancePx && Math.Abs(e.Box.Y2 - a.Box.Y2) <= tolerancePx,
                    $"{image.FileName} box {n}: json {e.Box}, txt {a.Box}");
                compared++;
            }
        }
        Assert.Equal(929, compared);
    }

    [Fact]
    public void Bccd_reads_cleanly_and_the_validator_reports_its_two_zero_area_boxes()
    {
        var path = SharedAssets.Asset("datasets/bccd");
        var ds = VocReader.Read(path);
        Assert.Empty(ds.Issues);
        Assert.Equal(364, ds.Images.Count);
        Assert.Equal(4888, ds.Annotations.Count);
        Assert.Equal(["Platelets", "RBC", "WBC"], ds.ClassNames);

        var report = DatasetValidator.Check(path, DatasetFormat.Voc);
        var zero = report.Issues.Where(i => i.Code == "zero-size-box").ToList();
        Assert.Equal(2, zero.Count);
        Assert.Contains(zero, i => i.Location!.Value.File.EndsWith("BloodImage_00338.xml", StringComparison.Ordinal));
        Assert.Contains(zero, i => i.Location!.Value.File.EndsWith("BloodImage_00343.xml", StringComparison.Ordinal));
        Assert.All(zero, i => Assert.True(i.Location!.Value.Line > 0));
        Assert.Equal(4155, report.BoxesPerClass.Single(p => p.Key == "RBC").Value);

        var clean = ds.WithoutZeroAreaBoxes(out var removed);
        Assert.Equal(2, removed);
        Assert.Equal(4886, clean.Annotations.Count);
        Assert.DoesNotContain(DatasetValidator.Validate(clean, checkImages: false).Issues, i => i.Code == "zero-size-box");
    }

    [Fact]
    public void Voc_split_file_selects_the_listed_images()
    {
        var ds = VocReader.Read(SharedAssets.Asset("datasets/bccd"), new DatasetReadOptions { Split = "test" });
        Assert.Equal(72, ds.Images.Count);
        Assert.Equal(945, ds.Annotations.Count(a => a.Box.Area > 0));
    }

    [Fact]
    public void Voc_reader_accepts_a_plain_folder_of_xml_files_with_sibling_images()
    {
        var ds = VocReader.Read(SharedAssets.Asset("datasets/bccd/BCCD/Annotations"));
        Assert.Equal(364, ds.Images.Count);
        Assert.All(ds.Images, i => Assert.True(File.Exists(i.FilePath), i.FilePath));
    }

    [Fact]
    public void Voc_corners_are_shifted_to_0_based_like_yolox()
    {
        // BloodImage_00000.xml, first object: WBC xmin 260 ymin 177 xmax 491 ymax 376.
        var ds = VocReader.Read(SharedAssets.Asset("datasets/bccd"));
        var first = ds.AnnotationsOf(ds.Images[0].Id)[0];
        Assert.Equal("WBC", ds.ClassNames[first.ClassId]);
        Assert.Equal(new BoxXywh(259, 176, 231, 199), first.Box);
    }
}
