using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace YoloX.Testing;

/// <summary>Tolerance assertions on tensors that report the measured error.</summary>
internal static class TensorAssert
{
    /// <summary>Asserts |actual − expected| ≤ atol + rtol·|expected| everywhere; returns the max absolute error.</summary>
    public static double Close(Tensor expected, Tensor actual, double atol, double rtol = 0, string what = "tensor")
    {
        Assert.Equal(expected.shape, actual.shape);
        using var scope = torch.NewDisposeScope();
        var e = expected.to(ScalarType.Float64);
        var a = actual.to(ScalarType.Float64);
        var diff = (a - e).abs();
        var allowed = atol + rtol * e.abs();
        var maxAbs = diff.max().item<double>();
        var violations = (diff > allowed).sum().item<long>();
        Assert.True(violations == 0,
            $"{what}: {violations} of {expected.numel()} values exceed atol {atol} + rtol {rtol}; max |diff| {maxAbs:G4}.");
        return maxAbs;
    }
}
