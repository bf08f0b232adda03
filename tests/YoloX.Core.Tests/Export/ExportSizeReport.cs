using System.Diagnostics;
using Xunit;
using Xunit.Abstractions;
using YoloX.Core.Export;

namespace YoloX.Core.Tests.Export;

/// <summary>
/// Measures file size and export time of every preset (default options) for docs/deployment.md. Slow; the times it
/// prints depend on the machine's load and are not asserted. The size is asserted against the parameter count:
/// float32 weights (4 bytes each, BN folded into conv biases) plus under 1 % of graph structure.
/// </summary>
public sealed class ExportSizeReport(ITestOutputHelper output)
{
    [Theory]
    [Trait("Category", "Slow")]
    [InlineData(YoloXPreset.Nano)]
    [InlineData(YoloXPreset.Tiny)]
    [InlineData(YoloXPreset.S)]
    [InlineData(YoloXPreset.M)]
    [InlineData(YoloXPreset.L)]
    [InlineData(YoloXPreset.X)]
    [InlineData(YoloXPreset.Darknet53)]
    public void ExportedFile_HoldsTheFoldedWeights(YoloXPreset preset)
    {
        using var model = YoloXModel.Create(preset);
        model.eval();
        var path = Path.Combine(Path.GetTempPath(), $"yolox-size-{preset}-{Guid.NewGuid():N}.onnx");
        try
        {
            var started = Stopwatch.GetTimestamp();
            model.ExportOnnx(path);
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var bytes = new FileInfo(path).Length;
            // Fused parameters: the official count minus BN γ/β (2 per BN channel) plus one conv bias per BN channel.
            var bnChannels = model.modules().OfType<TorchSharp.Modules.BatchNorm2d>().Sum(b => b.running_mean!.shape[0]);
            var fusedParams = model.ParameterCount() - bnChannels;
            output.WriteLine($"{preset}: {bytes:N0} bytes ({bytes / 1e6:F1} MB), {fusedParams:N0} fused parameters, export {seconds:F1} s (machine under load)");
            Assert.InRange(bytes, 4 * fusedParams, (long)(4 * fusedParams * 1.01) + 100_000);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
