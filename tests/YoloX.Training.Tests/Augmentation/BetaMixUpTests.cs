using Xunit;
using YoloX.Training.Augmentation;

namespace YoloX.Training.Tests.Augmentation;

public sealed class BetaMixUpTests
{
    /// <summary>A seeded source that logs every call and can answer <c>np.random.beta</c> with a fixed ratio.</summary>
    private sealed class RecordingSource(ulong seed, double? fixedBeta = null) : IRandomSource
    {
        private readonly SeededRandomSource _inner = new(seed);

        public List<string> Calls { get; } = [];

        public double NextDouble()
        {
            Calls.Add("random");
            return _inner.NextDouble();
        }

        public double Uniform(double a, double b)
        {
            Calls.Add("uniform");
            return _inner.Uniform(a, b);
        }

        public int RandInt(int a, int b)
        {
            Calls.Add($"randint({a},{b})");
            return _inner.RandInt(a, b);
        }

        public void UniformArray(double low, double high, Span<double> values)
        {
            Calls.Add($"np.uniform({low},{high},{values.Length})");
            _inner.UniformArray(low, high, values);
        }

        public void RandIntArray(int low, int high, Span<int> values)
        {
            Calls.Add($"np.randint({low},{high},{values.Length})");
            _inner.RandIntArray(low, high, values);
        }

        public double Beta(double a, double b)
        {
            Calls.Add($"beta({a},{b})");
            return fixedBeta ?? ((IRandomSource)_inner).Beta(a, b);
        }
    }

    /// <summary>Two 4×2 images of one flat colour each, with one box each.</summary>
    private sealed class TwoFlatImages : IDetectionSampleSource
    {
        public int Count => 2;

        public bool HasBoxes(int index) => true;

        public LabeledImage Load(int index) =>
            new(BgrImage.Filled(4, 2, index == 0 ? (byte)200 : (byte)100), [new LabeledBox(index, 0, index + 2, 2, index + 5)]);
    }

    /// <summary>Records that it ran on the partner and tags its boxes.</summary>
    private sealed class TagPartner : IAugmentation
    {
        public int Runs { get; private set; }

        public LabeledImage Apply(LabeledImage sample, AugmentationContext context)
        {
            Runs++;
            return sample with { Boxes = [.. sample.Boxes.Select(b => b with { ClassId = b.ClassId + 100 })] };
        }
    }

    [Fact]
    public void Blend_truncates_the_float64_sum_as_NumPy_astype_uint8_does()
    {
        // Values from NumPy 1.24: (a * r + b * (1 - r)).astype(np.uint8).
        var a = new BgrImage(2, 1, [255, 200, 3, 17, 100, 77]);
        BetaMixUp.Blend(a, new BgrImage(2, 1, [0, 100, 7, 250, 100, 77]), 0.1);
        Assert.Equal(new byte[] { 25, 110, 6, 226, 100, 77 }, a.Data);

        // 3·0.3 + 3·0.7 = 2.9999999999999996 in float64: equal pixels can lose a grey level, as in MindYOLO.
        var same = new BgrImage(2, 1, [3, 6, 12, 23, 24, 255]);
        BetaMixUp.Blend(same, same.Clone(), 0.3);
        Assert.Equal(new byte[] { 2, 5, 11, 22, 23, 255 }, same.Data);
    }

    [Fact]
    public void Partner_is_drawn_then_transformed_then_blended_with_the_Beta_ratio_and_its_boxes_appended()
    {
        var random = new RecordingSource(5, fixedBeta: 0.25);
        var tag = new TagPartner();
        var mixUp = new BetaMixUp(8, 8, [tag]);
        var sample = new LabeledImage(BgrImage.Filled(4, 2, 40), [new LabeledBox(0, 0, 1, 1, 0)]);

        var result = mixUp.Apply(sample, new AugmentationContext(random, new TwoFlatImages(), (2, 4)));

        Assert.Equal(["randint(0,1)", "beta(8,8)"], random.Calls);
        Assert.Equal(1, tag.Runs);
        Assert.Equal(2, result.Boxes.Length);
        Assert.Equal(0, result.Boxes[0].ClassId);
        // The partner's box comes second, after its steps (class + 100); image 0 is grey 200, image 1 grey 100:
        // 40·0.25 + 200·0.75 = 160, 40·0.25 + 100·0.75 = 85.
        var expected = result.Boxes[1].ClassId switch { 105 => (byte)160, 106 => (byte)85, var c => throw new InvalidOperationException($"class {c}") };
        Assert.All(result.Image.Data, p => Assert.Equal(expected, p));
    }

    [Fact]
    public void Partner_of_another_size_is_refused()
    {
        var mixUp = new BetaMixUp(8, 8, []);
        var sample = new LabeledImage(BgrImage.Filled(5, 2, 40), []);
        Assert.Throws<InvalidOperationException>(() => mixUp.Apply(sample, new AugmentationContext(new RecordingSource(1), new TwoFlatImages(), (2, 5))));
    }

    [Fact]
    public void MindYolo_pipeline_draws_one_Beta_ratio_for_MixUp_and_only_a_uniform_triple_for_HSV()
    {
        var samples = new SyntheticObjects(6, seed: 3, (96, 96));
        var options = AugmentationOptions.Default with
        {
            InputSize = (96, 96), MixupBeta = (8, 8), MixupScale = (1, 1), FractionalHsvGains = (0.015, 0.7, 0.4), FlipProb = 0,
        };
        var pipeline = new MosaicDetection(options, samples);
        for (var index = 0; index < samples.Count; index++)
        {
            var random = new RecordingSource((ulong)index);
            var result = pipeline.Apply(index, random);
            // Mosaic (2 centre uniforms, 3 tiles) and affine (6 uniforms) for the sample, the MixUp draw (made even
            // without boxes), the partner, its Mosaic and affine, the ratio; then TrainTransform's HSV (a uniform
            // triple, no mask) and flip draws when boxes survive.
            string[] mosaicAndAffine = ["uniform", "uniform", "randint(0,5)", "randint(0,5)", "randint(0,5)", .. Enumerable.Repeat("uniform", 6)];
            string[] expected = ["random", .. mosaicAndAffine, "random", "randint(0,5)", .. mosaicAndAffine, "beta(8,8)"];
            Assert.Equal(expected, random.Calls.Take(expected.Length));
            var transform = random.Calls.Skip(expected.Length).ToArray();
            Assert.True(transform.Length == 0 || transform.SequenceEqual(["random", "np.uniform(-1,1,3)", "random"]), string.Join(", ", transform));
            Assert.Equal(96 * 96 * 3, result.Image.Data.Length);
        }
    }

    [Fact]
    public void Official_pipeline_never_draws_a_Beta_ratio()
    {
        var samples = new SyntheticObjects(6, seed: 3, (96, 96));
        var pipeline = new MosaicDetection(AugmentationOptions.Default with { InputSize = (96, 96) }, samples);
        for (var index = 0; index < samples.Count; index++)
        {
            var random = new RecordingSource((ulong)index);
            pipeline.Apply(index, random);
            Assert.DoesNotContain(random.Calls, c => c.StartsWith("beta", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Beta_MixUp_needs_unit_mixup_scale()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => (AugmentationOptions.Default with { MixupBeta = (8, 8) }).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => (AugmentationOptions.Default with { MixupBeta = (0, 8), MixupScale = (1, 1) }).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => (AugmentationOptions.Default with { FractionalHsvGains = (0.015, 1.5, 0.4) }).Validate());
        Assert.NotNull((AugmentationOptions.Default with { MixupBeta = (8, 8), MixupScale = (1, 1) }).Validate());
    }
}
