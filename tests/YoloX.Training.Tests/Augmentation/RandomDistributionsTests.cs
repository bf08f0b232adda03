using Xunit;
using YoloX.Training.Augmentation;

namespace YoloX.Training.Tests.Augmentation;

public sealed class RandomDistributionsTests
{
    private const int Draws = 100_000;

    private static (double Mean, double Variance) Moments(Func<double> draw)
    {
        var values = new double[Draws];
        for (var i = 0; i < Draws; i++)
            values[i] = draw();
        var mean = values.Average();
        var variance = values.Sum(x => (x - mean) * (x - mean)) / (Draws - 1);
        return (mean, variance);
    }

    // Tolerances: 5 standard errors of the sample mean (σ/√n) and a relative 4 % on the variance (its standard
    // error is ≈ σ²·√(2/n) ≈ 0.45 % for these shapes), all with a fixed seed so the test is deterministic.
    [Theory]
    [InlineData(8.0, 8.0)]
    [InlineData(2.0, 5.0)]
    [InlineData(0.5, 0.5)]
    [InlineData(32.0, 32.0)]
    public void Beta_draws_have_the_distributions_mean_and_variance(double a, double b)
    {
        var random = new SeededRandomSource(42);
        var (mean, variance) = Moments(() => ((IRandomSource)random).Beta(a, b));
        var expectedMean = a / (a + b);
        var expectedVariance = a * b / ((a + b) * (a + b) * (a + b + 1));
        Assert.InRange(mean, expectedMean - 5 * Math.Sqrt(expectedVariance / Draws), expectedMean + 5 * Math.Sqrt(expectedVariance / Draws));
        Assert.InRange(variance, expectedVariance * 0.96, expectedVariance * 1.04);
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(1.0)]
    [InlineData(8.0)]
    public void Gamma_draws_have_mean_and_variance_equal_to_the_shape(double shape)
    {
        var random = new SeededRandomSource(7);
        var (mean, variance) = Moments(() => RandomDistributions.Gamma(random, shape));
        Assert.InRange(mean, shape - 5 * Math.Sqrt(shape / Draws), shape + 5 * Math.Sqrt(shape / Draws));
        // The Gamma's variance estimate is noisier for small shapes (heavy right tail): 6 %.
        Assert.InRange(variance, shape * 0.94, shape * 1.06);
    }

    [Fact]
    public void Standard_normal_has_mean_zero_and_unit_variance()
    {
        var random = new SeededRandomSource(3);
        var (mean, variance) = Moments(() => RandomDistributions.StandardNormal(random));
        Assert.InRange(mean, -5 / Math.Sqrt(Draws), 5 / Math.Sqrt(Draws));
        Assert.InRange(variance, 0.97, 1.03);
    }

    [Fact]
    public void Beta_draws_are_reproducible_from_the_seed_and_stay_in_the_unit_interval()
    {
        IRandomSource a = new SeededRandomSource(11), b = new SeededRandomSource(11), c = new SeededRandomSource(12);
        var fromA = Enumerable.Range(0, 100).Select(_ => a.Beta(8, 8)).ToArray();
        Assert.Equal(fromA, Enumerable.Range(0, 100).Select(_ => b.Beta(8, 8)));
        Assert.NotEqual(fromA, Enumerable.Range(0, 100).Select(_ => c.Beta(8, 8)));
        Assert.All(fromA, r => Assert.InRange(r, 0.0, 1.0));
    }

    [Fact]
    public void Invalid_parameters_are_refused()
    {
        var random = new SeededRandomSource(1);
        Assert.Throws<ArgumentOutOfRangeException>(() => RandomDistributions.Beta(random, 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => RandomDistributions.Beta(random, 1, double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => RandomDistributions.Gamma(random, -1));
    }
}
