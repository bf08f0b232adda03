using Xunit;
using YoloX.Testing;
using YoloX.Training.Augmentation;
using YoloX.Training.Data;

namespace YoloX.Training.Tests.Augmentation;

/// <summary>
/// The loader's view of a dataset equals the official <c>COCODataset.pull_item</c> recorded in
/// shared/golden/augment/dataset: the same cleaned, scaled boxes and, from the same decoded pixels, the same resize.
/// </summary>
public sealed class PullItemParityTests
{
    [Fact]
    public void Dataset_boxes_equal_official_pull_item_labels()
    {
        var dataset = CocoJsonReader.Read(Path.Combine(GoldenAugment.Root, "dataset", "instances_subset.json"),
            new DatasetReadOptions { ImagesDirectory = SharedAssets.Asset("datasets/coco128/train2017") });
        var source = new DatasetSampleSource(dataset, (416, 416));
        var official = new GoldenAugment.PullItemSource();
        Assert.Equal(official.Count, source.Count);
        for (var i = 0; i < source.Count; i++)
        {
            var expected = official.Load(i).Boxes;
            var ours = source.Load(i).Boxes;
            Assert.Equal(expected.Length, ours.Length);
            Assert.Equal(expected.Length > 0, source.HasBoxes(i));
            for (var k = 0; k < ours.Length; k++)
            {
                Assert.Equal(expected[k].ClassId, ours[k].ClassId);
                Assert.Equal(expected[k].X1, ours[k].X1, 1e-9);
                Assert.Equal(expected[k].Y1, ours[k].Y1, 1e-9);
                Assert.Equal(expected[k].X2, ours[k].X2, 1e-9);
                Assert.Equal(expected[k].Y2, ours[k].Y2, 1e-9);
            }
        }
    }

    [Fact]
    public void Letterbox_resize_of_the_decoded_originals_equals_pull_item_bit_for_bit()
    {
        var items = GoldenAugment.Summary().GetProperty("mosaic_dataset").GetProperty("items");
        foreach (var item in items.EnumerateArray())
        {
            var original = GoldenAugment.Image(item.GetProperty("decoded_original_png").GetString()!);
            var expected = GoldenAugment.Image(item.GetProperty("pull_item_png").GetString()!);
            var r = Math.Min(416.0 / original.Height, 416.0 / original.Width);
            var ours = OpenCvResize.Linear(original, (int)(original.Width * r), (int)(original.Height * r));
            Assert.Equal(0, ImageDiff.Of(ours, expected).Max);
        }
    }

    [Fact]
    public void Exact_halving_takes_the_area_path_and_same_size_is_a_copy()
    {
        var image = new BgrImage(4, 2, [.. Enumerable.Range(0, 24).Select(i => (byte)(i * 10))]);
        var half = OpenCvResize.Linear(image, 2, 1);
        // Mean of each 2×2 block, rounded half up: (0+30+120+150+2)>>2 = 75 for the first blue value.
        Assert.Equal((byte)((0 + 30 + 120 + 150 + 2) >> 2), half.Data[0]);
        var copy = OpenCvResize.Linear(image, 4, 2);
        Assert.NotSame(image, copy);
        Assert.Equal(image.Data, copy.Data);
    }
}
