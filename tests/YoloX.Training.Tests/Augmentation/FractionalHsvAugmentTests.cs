using Xunit;
using YoloX.Training.Augmentation;

namespace YoloX.Training.Tests.Augmentation;

public sealed class FractionalHsvAugmentTests
{
    private static readonly FractionalHsvAugment MindYolo = new(0.015, 0.7, 0.4);

    /// <summary>Answers exactly one <c>np.random.uniform(-1, 1, 3)</c> with the given values; any other draw fails.</summary>
    private sealed class OneUniformTriple(double[] u) : IRandomSource
    {
        public int Calls { get; private set; }

        public void UniformArray(double low, double high, Span<double> values)
        {
            Assert.Equal((-1.0, 1.0, 3), (low, high, values.Length));
            Assert.Equal(0, Calls++);
            u.CopyTo(values);
        }

        public double NextDouble() => throw new InvalidOperationException("unexpected random.random()");

        public double Uniform(double a, double b) => throw new InvalidOperationException("unexpected random.uniform");

        public int RandInt(int a, int b) => throw new InvalidOperationException("unexpected random.randint");

        public void RandIntArray(int low, int high, Span<int> values) => throw new InvalidOperationException("unexpected np.random.randint");

        public double Beta(double a, double b) => throw new InvalidOperationException("unexpected np.random.beta");
    }

    private static BgrImage Input() =>
        new(FractionalHsvFixture.Width, FractionalHsvFixture.Height, Convert.FromBase64String(FractionalHsvFixture.Input));

    public static TheoryData<int> CaseIndices() => [0, 1, 2, 3];

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void Tables_equal_the_ones_MindYolo_builds_with_NumPy(int index)
    {
        var (u, _, tables) = FractionalHsvFixture.Cases[index];
        var (h, s, v) = MindYolo.DrawFactors(new OneUniformTriple(u));
        var ours = new byte[768];
        FractionalHsvAugment.BuildTables(h, s, v, ours.AsSpan(0, 256), ours.AsSpan(256, 256), ours.AsSpan(512, 256));
        Assert.Equal(Convert.FromBase64String(tables), ours);
    }

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void Image_equals_OpenCv_bit_for_bit_through_its_AVX2_and_scalar_code_paths(int index)
    {
        var (u, output, _) = FractionalHsvFixture.Cases[index];
        var image = Input();
        var random = new OneUniformTriple(u);
        var result = MindYolo.Apply(new LabeledImage(image, []), new AugmentationContext(random, null, (6, 40)));
        Assert.Equal(1, random.Calls);
        Assert.Same(image, result.Image);
        Assert.Equal(Convert.FromBase64String(output), image.Data);
    }

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void Portable_rounding_is_within_one_grey_level_of_OpenCv(int index)
    {
        var (u, output, _) = FractionalHsvFixture.Cases[index];
        var image = Input();
        var (h, s, v) = MindYolo.DrawFactors(new OneUniformTriple(u));
        FractionalHsvAugment.ApplyFactors(image, h, s, v, HsvRounding.OpenCvScalar);
        var expected = Convert.FromBase64String(output);
        var worst = expected.Select((e, i) => Math.Abs(e - image.Data[i])).Max();
        Assert.InRange(worst, 0, 1);
    }

    [Fact]
    public void Factors_are_one_plus_the_uniforms_times_the_gains()
    {
        var (h, s, v) = new FractionalHsvAugment(0.5, 0.25, 0.125).DrawFactors(new OneUniformTriple([-1, 0.5, 1]));
        Assert.Equal((0.5, 1.125, 1.125), (h, s, v));
    }

    [Fact]
    public void Negative_factors_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FractionalHsvAugment.ApplyFactors(Input(), 1, -0.1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => FractionalHsvAugment.ApplyFactors(Input(), double.NaN, 1, 1));
    }
}
