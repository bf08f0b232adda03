using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using YoloX.Core.Weights;
using YoloX.Testing;
using static TorchSharp.torch;

namespace YoloX.Core.Tests;

/// <summary>
/// A fresh model's initialisation against the official one (<c>nano_weights</c>: the official <c>exp.get_model()</c>
/// with seed 0). The draws cannot be equal (another generator), but a fine-tune keeps the fresh class predictions of
/// the new class count, so their distribution — and every other tensor's — must be the official one.
/// </summary>
public class InitializationParityTests(ITestOutputHelper output)
{
    /// <summary>Standard errors allowed between the two spreads (both drawn: the ratio's relative error ≈ 0.63/√n).</summary>
    private const double SpreadStandardErrors = 5;

    [Fact]
    public void Every_fresh_tensor_is_drawn_from_the_official_initial_distribution()
    {
        using var scope = torch.NewDisposeScope();
        using var model = YoloXModel.Create(YoloXPreset.Nano);
        var official = RawTensorFile.ReadMap(SharedAssets.Golden("nano_weights.json"));
        var ours = StateDict.Ordered(model).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        Assert.Equal(official.Keys.Order(StringComparer.Ordinal), ours.Keys.Order(StringComparer.Ordinal));
        var worst = 0.0;
        foreach (var (name, raw) in official)
        {
            var expected = raw.ToTensor().to(ScalarType.Float64);
            var actual = ours[name].to(ScalarType.Float64);
            Assert.Equal(expected.shape, actual.shape);
            if (IsConstant(expected))
            {
                // BN weights 1, biases 0, running statistics 0/1, the prior-0.01 biases: exactly the official values.
                TensorAssert.Close(expected, actual, 1e-6, what: name);
                continue;
            }
            if (expected.dim() == 4)
            {
                // PyTorch's (and the official model's) default: kaiming_uniform(a = √5), i.e. U(±1/√fan_in).
                var bound = 1 / Math.Sqrt(expected.shape[1] * expected.shape[2] * expected.shape[3]);
                Assert.True(expected.abs().max().item<double>() <= bound * (1 + 1e-6), $"{name}: the official draw exceeds U(±{bound:G4})");
                Assert.True(actual.abs().max().item<double>() <= bound * (1 + 1e-6), $"{name}: our draw exceeds U(±{bound:G4})");
            }
            var ratio = actual.std().item<double>() / expected.std().item<double>();
            var allowed = SpreadStandardErrors * 0.63 / Math.Sqrt(expected.numel());
            Assert.True(Math.Abs(ratio - 1) <= allowed, $"{name}: spread ratio {ratio:F4} (allowed 1 ± {allowed:F4})");
            worst = Math.Max(worst, Math.Abs(ratio - 1) / allowed);
        }
        output.WriteLine($"{official.Count} tensors; worst spread difference {worst:P0} of its bound");
    }

    private static bool IsConstant(Tensor t) => t.numel() == 1 || t.min().item<double>() == t.max().item<double>();
}
