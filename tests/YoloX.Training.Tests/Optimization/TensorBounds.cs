using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace YoloX.Training.Tests.Optimization;

/// <summary>Per-tensor comparisons with the README's bounds (<c>max|diff| ≤ rel·max|t| + abs</c>), NaN/∞ failing.</summary>
internal static class TensorBounds
{
    /// <summary>Checks every expected tensor against the actual one of the same name; returns the worst ratio diff/(max|t|).</summary>
    public static double AssertWithin(IReadOnlyDictionary<string, Tensor> expected, IReadOnlyDictionary<string, Tensor> actual,
        double rel, double abs, string what)
    {
        double worst = 0;
        foreach (var (name, e) in expected)
        {
            Assert.True(actual.ContainsKey(name), $"{what}: '{name}' missing");
            using var scope = torch.NewDisposeScope();
            var a = actual[name].detach().cpu();
            Assert.Equal(e.shape, a.shape);
            if (!e.is_floating_point())
            {
                Assert.True(e.to(ScalarType.Int64).eq(a.to(ScalarType.Int64)).all().item<bool>(), $"{what}: integer entry '{name}' differs ({a.to(ScalarType.Int64).sum().item<long>()} vs {e.sum().item<long>()})");
                continue;
            }
            var ed = e.to(ScalarType.Float64);
            var ad = a.to(ScalarType.Float64);
            Assert.True(ad.isfinite().all().item<bool>(), $"{what}: '{name}' has NaN/Inf");
            var maxAbs = ed.abs().max().item<double>();
            var diff = (ed - ad).abs().max().item<double>();
            var bound = rel * maxAbs + abs;
            Assert.True(diff <= bound, $"{what}: '{name}' max|diff| {diff:E3} > {bound:E3} (max|t| {maxAbs:E3})");
            if (maxAbs > 0)
                worst = Math.Max(worst, diff / maxAbs);
        }
        return worst;
    }

    public static void RelClose(double expected, double actual, double rel, string what)
    {
        Assert.True(double.IsFinite(actual), $"{what}: {actual} is not finite");
        var tol = rel * Math.Abs(expected);
        Assert.True(Math.Abs(expected - actual) <= tol, $"{what}: expected {expected:R}, got {actual:R} (rel {Math.Abs(expected - actual) / Math.Max(Math.Abs(expected), 1e-300):E2} > {rel:E0})");
    }

    /// <summary>Float64 L2 norm over tensors.</summary>
    public static double L2(IEnumerable<Tensor> tensors)
    {
        double sum = 0;
        foreach (var t in tensors)
        {
            using var d = t.detach().to(ScalarType.Float64);
            using var sq = d.square().sum();
            sum += sq.item<double>();
        }
        return Math.Sqrt(sum);
    }
}
