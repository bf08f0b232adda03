using System.Text.Json;
using Xunit;
using YoloX.Training.Augmentation;

namespace YoloX.Training.Tests.Augmentation;

/// <summary>
/// MindYOLO's <c>random_perspective</c> (YOLOv5's, after MindYOLO's Mosaic). The expected values are MindYOLO's own
/// function run on injected draws (<c>Fixtures/mindyolo_random_perspective.json</c>, recorded by
/// <c>benchmarks/YoloX.SideBySide/mindyolo_augment_fixture.py perspective</c> from mindspore-lab/mindyolo 67288e5 with
/// Debian's NumPy 1.24 / OpenCV 4.6): a 64×64 canvas of random bytes with eight boxes, warped to 32×32 with the
/// YOLOX recipe's settings, four sets of draws.
/// </summary>
public sealed class RandomPerspectiveTests
{
    private static readonly RandomPerspective MindYoloYoloxRecipe = new(32, 32, 10, 0.1, (0.1, 1.9), 2);

    public static TheoryData<int> Cases => [0, 1, 2, 3];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reproduces_MindYOLO_random_perspective_on_its_draws(int caseIndex)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "mindyolo_random_perspective.json")));
        var root = doc.RootElement;
        var canvas = new BgrImage(root.GetProperty("width").GetInt32(), root.GetProperty("height").GetInt32(),
            Convert.FromBase64String(root.GetProperty("canvas").GetString()!));
        var boxes = root.GetProperty("boxes").EnumerateArray().Select(ReadBox).ToArray();
        var expected = root.GetProperty("cases")[caseIndex];
        var random = new ScriptedRandomSource(expected.GetProperty("draws"));

        var result = MindYoloYoloxRecipe.Apply(new LabeledImage(canvas, boxes), new AugmentationContext(random, null, (32, 32)));

        random.AssertConsumed();
        var expectedBoxes = expected.GetProperty("boxes").EnumerateArray().Select(ReadBox).ToArray();
        Assert.Equal(expectedBoxes.Select(b => b.ClassId), result.Boxes.Select(b => b.ClassId));
        for (var i = 0; i < expectedBoxes.Length; i++)
        {
            var (e, a) = (expectedBoxes[i], result.Boxes[i]);
            foreach (var (ev, av) in new[] { (e.X1, a.X1), (e.Y1, a.Y1), (e.X2, a.X2), (e.Y2, a.Y2) })
                Assert.True(Math.Abs(ev - av) <= 1e-9, $"case {caseIndex} box {i}: MindYOLO {e}, ours {a}");
        }
        Assert.Equal((32, 32), (result.Image.Width, result.Image.Height));
        var expectedPixels = Convert.FromBase64String(expected.GetProperty("image").GetString()!);
        var differing = expectedPixels.Where((v, i) => v != result.Image.Data[i]).Count();
        Assert.True(differing == 0, $"case {caseIndex}: {differing} of {expectedPixels.Length} values differ from MindYOLO's warpAffine");
    }

    [Theory]
    // Sides must exceed 2 px.
    [InlineData(10, 10, 2, 10, 1, false)]
    [InlineData(10, 10, 10, 2, 1, false)]
    [InlineData(10, 10, 2.5, 2.5, 0.25, true)]
    // More than a tenth of the scaled area: scaled by 0.5 a 100×100 box is 2500 px²; 250 px² is exactly a tenth.
    [InlineData(100, 100, 25, 10, 0.5, false)]
    [InlineData(100, 100, 26, 10, 0.5, true)]
    // An aspect ratio under 20, either way.
    [InlineData(100, 10, 100, 5, 1, false)]
    [InlineData(100, 10, 5, 100, 1, false)]
    [InlineData(100, 10, 99, 5, 1, true)]
    // Degenerate or NaN boxes never pass.
    [InlineData(10, 10, 0, 4, 1, false)]
    [InlineData(10, 10, double.NaN, 9, 1, false)]
    public void Box_candidates_follow_YOLOv5_thresholds(double w1, double h1, double w2, double h2, double scale, bool kept) =>
        Assert.Equal(kept, RandomPerspective.IsCandidate(new LabeledBox(0, 0, w1, h1, 0), new LabeledBox(0, 0, w2, h2, 0), scale));

    [Fact]
    public void The_identity_draws_centre_the_canvas_in_the_window()
    {
        // No rotation, scale 1, no shear, window origin at 0.5 of the output: a 64×64 canvas maps its centre
        // (32, 32) to the 32×32 window's centre (16, 16), i.e. the window shows the canvas's middle quarter.
        var random = new FixedDraws(0, 0, 0, 1, 0, 0, 0.5, 0.5);
        Span<double> m = stackalloc double[6];
        var scale = MindYoloYoloxRecipe.DrawMatrix(random, 64, 64, m);
        Assert.Equal(1, scale);
        Assert.Equal([1, 0, -16, 0, 1, -16], m.ToArray());
    }

    [Fact]
    public void Perspective_style_pipeline_keeps_only_candidate_boxes()
    {
        var samples = new SyntheticObjects(12, seed: 5, (128, 128));
        var options = AugmentationOptions.Default with
        {
            InputSize = (128, 128), AffineStyle = AffineStyle.Perspective, EnableMixup = false, HsvProb = 0, FlipProb = 0,
        };
        var pipeline = new MosaicDetection(options, samples);
        var rows = 0;
        for (var n = 0; n < 40; n++)
        {
            var sample = pipeline.Apply(n % samples.Count, SeededRandomSource.ForSample(7, 0, n));
            for (var row = 0; row < sample.LabelCount; row++, rows++)
            {
                var (w, h) = (sample.Labels[(row * 5) + 3], sample.Labels[(row * 5) + 4]);
                Assert.True(w > 2 && h > 2 && Math.Max(w / h, h / w) < 20, $"sample {n} row {row}: {w}×{h} is not a candidate");
            }
        }
        Assert.True(rows >= 20, $"only {rows} boxes came through");
    }

    private static LabeledBox ReadBox(JsonElement e) =>
        new(e[0].GetDouble(), e[1].GetDouble(), e[2].GetDouble(), e[3].GetDouble(), (int)e[4].GetDouble());
}
