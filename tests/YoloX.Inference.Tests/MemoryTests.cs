using System.Diagnostics;
using Xunit.Abstractions;
using YoloX.Core;
using YoloX.Inference.Processing;
using YoloX.Testing;

namespace YoloX.Inference.Tests;

/// <summary>
/// Native memory (libtorch tensors, ONNX Runtime buffers) is invisible to the GC: a leak shows only as resident
/// memory growth. One Nano input tensor is 2 MB, so a per-call leak of it would add ~600 MB over these calls (measured growth: 0 MB ONNX Runtime, 25–39 MB libtorch allocator warm-up, not growing with the call count).
/// </summary>
public sealed class MemoryTests(ITestOutputHelper output)
{
    private const int WarmUpCalls = 30;
    private const int MeasuredCalls = 300;
    private const long AllowedGrowthBytes = 64L << 20;

    [Theory]
    [Trait("Category", "Slow")]
    [InlineData("onnx")]
    [InlineData("torch")]
    public void Resident_memory_stays_flat_over_many_Detect_calls(string backend)
    {
        var builder = YoloXBuilder.Create().WithModel(YoloXPreset.Nano).WithWeights(SharedAssets.NanoOnnx);
        using var detector = (backend == "onnx" ? builder.UseOnnxRuntime() : builder.UseTorch()).BuildDetector();
        using var image = ImageDecoder.Decode(SharedAssets.DogJpg);
        for (var i = 0; i < WarmUpCalls; i++)
        {
            detector.Detect(image);
        }
        var before = ResidentBytes();
        for (var i = 0; i < MeasuredCalls; i++)
        {
            detector.Detect(image);
        }
        var growth = ResidentBytes() - before;
        output.WriteLine($"{backend}: resident memory grew by {growth / 1024.0 / 1024.0:F1} MB over {MeasuredCalls} calls");
        Assert.True(growth < AllowedGrowthBytes, $"resident memory grew by {growth / 1024 / 1024} MB over {MeasuredCalls} calls");
    }

    private static long ResidentBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        return self.WorkingSet64;
    }
}
