using Xunit;
using YoloX.Training.Augmentation;

namespace YoloX.Training.Tests.Augmentation;

/// <summary>
/// Property tests: white objects painted on black images where their boxes are; after any augmentation chain each
/// surviving box must still sit on its object: its centre is object-coloured and a good part of its inside is too.
/// (Rotation and shear make the box the enclosing box of a slanted rectangle: a 10:1 rectangle turned by 10° fills
/// only ~37 % of it, so the inside check asks for 30 %.)
/// </summary>
public sealed class BoxFollowsObjectTests
{
    private const int Size = 256;

    public static TheoryData<string> Chains => ["default", "default-no-mixup", "nano", "closed", "flip-only", "perspective"];

    [Theory]
    [MemberData(nameof(Chains))]
    public void Every_box_stays_on_its_object(string chain)
    {
        var samples = new SyntheticObjects(20, seed: 3, (Size, Size));
        var (options, mosaic, threshold) = chain switch
        {
            // MixUp averages with another image (objects ≥ 127, background/pad ≤ 114) and HSV would blur that line.
            "default" => (AugmentationOptions.Default with { HsvProb = 0 }, true, 120),
            // Without MixUp, HSV may lower white by 30 and raise pad 114 by 30: object max channel ≥ 180 > 144.
            "default-no-mixup" => (AugmentationOptions.Default with { EnableMixup = false }, true, 180),
            "nano" => (AugmentationOptions.Nano, true, 180),
            "closed" => (AugmentationOptions.Default, false, 180),
            "flip-only" => (AugmentationOptions.Default with { HsvProb = 0, FlipProb = 1 }, false, 180),
            // MindYOLO's centred random perspective in place of the official affine (its scale range 0.1–1.9).
            "perspective" => (AugmentationOptions.Default with
            {
                EnableMixup = false, AffineStyle = AffineStyle.Perspective, MosaicScale = (0.1, 1.9),
            }, true, 180),
            _ => throw new ArgumentOutOfRangeException(nameof(chain)),
        };
        var pipeline = new MosaicDetection(options with { InputSize = (Size, Size) }, samples);
        var checkedBoxes = 0;
        for (var n = 0; n < 60; n++)
        {
            var sample = pipeline.Apply(n % samples.Count, SeededRandomSource.ForSample(42, 0, n), mosaic);
            for (var row = 0; row < sample.LabelCount; row++)
            {
                var l = sample.Labels.AsSpan(row * 5, 5);
                // (Boxes ≤ 1 px only appear in the official all-filtered fallback, which returns the input's boxes.)
                if (l[3] < 8 || l[4] < 8)
                    continue; // too thin to judge after interpolation
                CheckBox(sample.Image, l[1], l[2], l[3], l[4], threshold, $"{chain} sample {n} row {row}");
                checkedBoxes++;
            }
            Assert.All(sample.Labels.AsSpan(sample.LabelCount * 5).ToArray(), v => Assert.Equal(0f, v));
        }
        Assert.True(checkedBoxes >= 30, $"only {checkedBoxes} boxes were large enough to check");
    }

    [Fact]
    public void Boxes_outside_the_affine_window_are_kept_at_zero_size_as_officially_and_dropped_by_TrainTransform()
    {
        var image = BgrImage.Filled(100, 100, 0);
        var boxes = new[] { new LabeledBox(10, 10, 30, 30, 1), new LabeledBox(90, 90, 99, 99, 2) };
        // Translate by −0.5·100 px in x and y with scale 1 (draws: angle 0, scale 1, shears 0, t −0.5/−0.5).
        var random = new FixedDraws(0, 1, 0, 0, -0.5, -0.5);
        var affine = new RandomAffine(100, 100, 10, 0.5, (0.5, 1.5), 2);
        var result = affine.Apply(new LabeledImage(image, boxes), new AugmentationContext(random, null, (100, 100)));
        Assert.Equal(2, result.Boxes.Length);
        Assert.Equal(new LabeledBox(0, 0, 0, 0, 1), result.Boxes[0]);
        Assert.Equal(40, result.Boxes[1].X1, 9);
        var sample = new TrainTransform(50, 0, 0).Apply(result, new AugmentationContext(new FixedDraws(0.9, 0.9), null, (100, 100)));
        Assert.Equal(1, sample.LabelCount);
        Assert.Equal(2f, sample.Labels[0]);
    }

    private static void CheckBox(BgrImage image, float cx, float cy, float w, float h, int threshold, string what)
    {
        Assert.True(float.IsFinite(cx) && float.IsFinite(cy) && float.IsFinite(w) && float.IsFinite(h), what);
        Assert.True(IsObject(image, (int)cx, (int)cy, threshold), $"{what}: centre ({cx:F1}, {cy:F1}) is not on an object");
        // The inner part (2 px margin for interpolation at the edges) must be object in good part.
        int x1 = (int)Math.Ceiling(cx - w / 2 + 2), x2 = (int)Math.Floor(cx + w / 2 - 2);
        int y1 = (int)Math.Ceiling(cy - h / 2 + 2), y2 = (int)Math.Floor(cy + h / 2 - 2);
        int total = 0, on = 0;
        for (var y = Math.Max(0, y1); y < Math.Min(image.Height, y2); y++)
            for (var x = Math.Max(0, x1); x < Math.Min(image.Width, x2); x++)
            {
                total++;
                if (IsObject(image, x, y, threshold)) on++;
            }
        Assert.True(total == 0 || on >= 0.3 * total, $"{what}: only {on}/{total} pixels inside the box are object");
    }

    private static bool IsObject(BgrImage image, int x, int y, int threshold)
    {
        x = Math.Clamp(x, 0, image.Width - 1);
        y = Math.Clamp(y, 0, image.Height - 1);
        var p = image.Row(y).Slice(x * 3, 3);
        return Math.Max(p[0], Math.Max(p[1], p[2])) >= threshold;
    }
}
