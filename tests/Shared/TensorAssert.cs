using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace YoloX.Testing;

/// <summary>Tolerance assertions on tensors that report the measured error.</summary>
internal static class TensorAssert
{
    /// <summary>
    /// Asserts |actual − expected| ≤ atol + rtol·|expected| everywhere; returns the max absolute error. A NaN or
    /// infinite actual value fails wherever the expected value is finite (a comparison with NaN is false, so the
    /// violation test is written as "not within", which NaN cannot pass); non-finite expected values must be matched
    /// exactly (same infinity, or NaN for NaN).
    /// </summary>
    public static double Close(Tensor expected, Tensor actual, double atol, double rtol = 0, string what = "tensor")
    {
        Assert.Equal(expected.shape, actual.shape);
        using var scope = torch.NewDisposeScope();
        var e = expected.to(ScalarType.Float64);
        var a = actual.to(ScalarType.Float64);
        var finite = e.isfinite();
        var diff = (a - e).abs();
        var allowed = atol + rtol * e.abs();
        var within = diff.le(allowed).logical_and(finite);
        var sameNonFinite = finite.logical_not().logical_and(a.eq(e).logical_or(a.isnan().logical_and(e.isnan())));
        var violations = within.logical_or(sameNonFinite).logical_not().sum().item<long>();
        var nonFiniteActual = a.isfinite().logical_not().logical_and(finite).sum().item<long>();
        var maxAbs = diff.masked_fill(finite.logical_not(), 0).max().item<double>();
        if (nonFiniteActual > 0)
        {
            maxAbs = double.NaN;
        }
        Assert.True(violations == 0,
            $"{what}: {violations} of {expected.numel()} values exceed atol {atol} + rtol {rtol} " +
            $"({nonFiniteActual} are NaN/Inf where the reference is finite); max |diff| {maxAbs:G4}.");
        return maxAbs;
    }

    /// <summary>Max |a − b| over two float arrays, failing on any NaN/Inf in either (LINQ's Max skips NaN).</summary>
    public static double MaxAbsDiff(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what = "values")
    {
        Assert.Equal(expected.Length, actual.Length);
        var max = 0.0;
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(float.IsFinite(expected[i]) && float.IsFinite(actual[i]),
                $"{what}[{i}]: non-finite value (expected {expected[i]}, actual {actual[i]}).");
            max = Math.Max(max, Math.Abs((double)expected[i] - actual[i]));
        }
        return max;
    }
}
