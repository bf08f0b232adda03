using System.Text.Json;
using Xunit;
using YoloX.Training.Augmentation;

namespace YoloX.Training.Tests.Augmentation;

/// <summary>
/// The end of MindYOLO's pipelines: <c>letterbox(scaleup=False)</c>, <c>hsv_augment</c>, <c>fliplr</c>,
/// <c>label_norm</c>, <c>label_pad</c>. Expected values are MindYOLO's own functions run on injected draws
/// (<c>Fixtures/mindyolo_final_transform.json</c>, recorded by <c>benchmarks/YoloX.SideBySide/mindyolo_augment_fixture.py
/// transform</c> from mindspore-lab/mindyolo 67288e5 with Debian's NumPy 1.24 / OpenCV 4.6): five random-byte images
/// (larger than, smaller than and equal to the 24-px input; odd and even paddings) with three boxes each.
/// </summary>
public sealed class MindYoloTransformTests
{
    public static TheoryData<int> Cases => [0, 1, 2, 3, 4];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reproduces_MindYOLO_letterbox_hsv_flip_and_labels(int caseIndex)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "mindyolo_final_transform.json")));
        var size = doc.RootElement.GetProperty("input_size").GetInt32();
        var c = doc.RootElement.GetProperty("cases")[caseIndex];
        var image = new BgrImage(c.GetProperty("width").GetInt32(), c.GetProperty("height").GetInt32(),
            Convert.FromBase64String(c.GetProperty("image").GetString()!));
        var boxes = c.GetProperty("boxes").EnumerateArray()
            .Select(b => new LabeledBox(b[0].GetDouble(), b[1].GetDouble(), b[2].GetDouble(), b[3].GetDouble(), (int)b[4].GetDouble()))
            .ToArray();
        var random = new ScriptedRandomSource(c.GetProperty("draws"));
        var transform = new MindYoloTransform(c.GetProperty("padded_rows").GetInt32());

        var sample = transform.Apply(new LabeledImage(image, boxes), new AugmentationContext(random, null, (size, size)));

        random.AssertConsumed();
        Assert.Equal((size, size), (sample.Image.Width, sample.Image.Height));
        var expectedPixels = Convert.FromBase64String(c.GetProperty("output").GetString()!);
        var differing = expectedPixels.Where((v, i) => v != sample.Image.Data[i]).Count();
        Assert.True(differing == 0, $"case {caseIndex}: {differing} of {expectedPixels.Length} values differ from MindYOLO's");
        var classes = c.GetProperty("classes").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();
        var labels = c.GetProperty("labels").EnumerateArray().ToArray();
        Assert.Equal(classes.Length, sample.LabelCount);
        for (var row = 0; row < classes.Length; row++)
        {
            var ours = sample.Labels.AsSpan(row * 5, 5).ToArray();
            Assert.Equal(classes[row], ours[0]);
            for (var k = 0; k < 4; k++)
            {
                // MindYOLO normalises by the output size; ours stays in pixels, which is what the loss takes.
                var expected = labels[row][k].GetDouble() * size;
                Assert.True(Math.Abs(expected - ours[k + 1]) <= 1e-4, $"case {caseIndex} row {row} value {k}: MindYOLO {expected}, ours {ours[k + 1]}");
            }
        }
        Assert.All(sample.Labels.AsSpan(sample.LabelCount * 5).ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Images_without_boxes_are_still_jittered_and_flipped()
    {
        var image = new BgrImage(4, 4);
        for (var i = 0; i < image.Data.Length; i++)
            image.Data[i] = (byte)(i * 5);
        var before = image.Clone();
        var draws = new SplitDraws([0.0, 0.0], [0.5, 0.5, 0.5]); // HSV fires, flip fires
        var sample = new MindYoloTransform().Apply(new LabeledImage(image, []), new AugmentationContext(draws, null, (4, 4)));
        Assert.Equal(0, sample.LabelCount);
        Assert.Equal(2, draws.Doubles);
        Assert.NotEqual(before.Data, sample.Image.Data);
    }

    [Fact]
    public void Boxes_are_kept_however_small()
    {
        var image = BgrImage.Filled(8, 8, 50);
        var boxes = new[] { new LabeledBox(1, 1, 1.5, 1.2, 2), new LabeledBox(3, 3, 3, 3, 1) };
        var draws = new SplitDraws([0.99, 0.99], []); // neither HSV nor flip
        var sample = new MindYoloTransform(HsvProbability: 0.5).Apply(new LabeledImage(image, boxes), new AugmentationContext(draws, null, (8, 8)));
        Assert.Equal(2, sample.LabelCount);
        Assert.Equal([2f, 1.25f, 1.1f, 0.5f, 0.2f], sample.Labels.AsSpan(0, 5).ToArray(), new ApproxComparer());
        Assert.Equal([1f, 3f, 3f, 0f, 0f], sample.Labels.AsSpan(5, 5).ToArray());
    }

    [Fact]
    public void Letterbox_centres_without_enlarging_and_splits_an_odd_padding_with_more_below()
    {
        var image = BgrImage.Filled(10, 5, 7);
        var result = MindYoloTransform.Letterbox(image, (16, 16), out var ratio, out var pad);
        Assert.Equal(1.0, ratio);
        Assert.Equal((3.0, 5.5), pad);
        // Rows 0–4 are padding (round(5.5 − 0.1) = 5 above), rows 5–9 the image, 10–15 padding (6 below).
        Assert.Equal(114, result.Row(4)[3 * 3]);
        Assert.Equal(7, result.Row(5)[3 * 3]);
        Assert.Equal(7, result.Row(9)[12 * 3]);
        Assert.Equal(114, result.Row(10)[3 * 3]);
        Assert.Equal(114, result.Row(7)[2 * 3]);
    }

    [Fact]
    public void Letterbox_of_a_sliver_that_rounds_to_nothing_is_all_padding()
    {
        var image = BgrImage.Filled(400, 1, 9);
        var result = MindYoloTransform.Letterbox(image, (16, 16), out var ratio, out _);
        Assert.Equal(0.04, ratio, 12);
        Assert.All(result.Data, v => Assert.Equal(114, v));
    }

    [Fact]
    public void Mindyolo_style_pipeline_finishes_with_the_MindYOLO_transform()
    {
        var samples = new SyntheticObjects(8, seed: 9, (96, 96));
        var options = AugmentationOptions.Default with
        {
            InputSize = (96, 96), FinalTransform = FinalTransformStyle.MindYolo, MaxLabels = 160, MosaicProb = 0,
            HsvProb = 0, FlipProb = 0,
        };
        var pipeline = new MosaicDetection(options, samples);
        var sample = pipeline.Apply(0, SeededRandomSource.ForSample(1, 0, 0));
        Assert.Equal(160 * 5, sample.Labels.Length);
        // The synthetic image is not square: MindYOLO's letterbox centres it, so both borders are padding.
        var source = samples.Load(0).Image;
        Assert.True(source.Width != source.Height);
        var (firstRow, lastRow) = (sample.Image.Row(0).ToArray(), sample.Image.Row(95).ToArray());
        var (firstCol, lastCol) = (sample.Image.Data[0], sample.Image.Data[(96 * 3) - 3]);
        Assert.True((firstRow.All(v => v == 114) && lastRow.All(v => v == 114)) || (firstCol == 114 && lastCol == 114));
    }

    private sealed class SplitDraws(double[] doubles, double[] uniforms) : IRandomSource
    {
        public int Doubles { get; private set; }
        public double NextDouble() => doubles[Doubles++];
        public double Uniform(double a, double b) => throw new NotSupportedException();
        public int RandInt(int a, int b) => throw new NotSupportedException();
        public void UniformArray(double low, double high, Span<double> v) => uniforms.AsSpan(0, v.Length).CopyTo(v);
        public void RandIntArray(int low, int high, Span<int> v) => throw new NotSupportedException();
    }

    private sealed class ApproxComparer : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= 1e-6;
        public int GetHashCode(float obj) => 0;
    }
}
