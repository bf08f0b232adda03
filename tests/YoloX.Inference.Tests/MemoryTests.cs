using System.Diagnostics;
using Xunit.Abstractions;
using YoloX.Core;
using YoloX.Inference.Processing;
using YoloX.Testing;

namespace YoloX.Inference.Tests;

/// <summary>
/// Native memory (libtorch tensors, ONNX Runtime buffers) is invisible to the GC: a leak shows only as resident
/// memory growth. One Nano input tensor is 2 MB, so a per-call leak of it would add ~400 MB per window of calls.
/// </summary>
[Collection(nameof(ProcessMemoryCollection))]
public sealed class MemoryTests(ITestOutputHelper output)
{
    private const int WarmUpCalls = 30;
    private const int WindowCalls = 200;
    private const long AllowedGrowthBytes = 48L << 20;

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
        // Two equal windows: a leak grows both by the same amount; allocator warm-up (libtorch's and glibc's arenas
        // settle over the first few hundred calls) shows in the first only.
        var start = ResidentBytes();
        RunCalls(detector, image);
        var middle = ResidentBytes();
        RunCalls(detector, image);
        var end = ResidentBytes();
        var (first, second) = (middle - start, end - middle);
        output.WriteLine($"{backend}: resident memory grew by {first / 1048576.0:F1} MB, then {second / 1048576.0:F1} MB, over two windows of {WindowCalls} calls");
        Assert.True(second < AllowedGrowthBytes,
            $"resident memory grew by {second / 1048576} MB over the second {WindowCalls} calls (first window {first / 1048576} MB)");
    }

    /// <summary>
    /// The load criterion: resident memory after 10,000 Detect calls within 10 % of that after 1,000 (a
    /// per-call leak of even 10 KB would add 90 MB). Takes several minutes per backend on 2 cores.
    /// </summary>
    [Theory]
    [Trait("Category", "Slow")]
    [InlineData("onnx")]
    [InlineData("torch")]
    public void Resident_memory_after_10000_Detect_calls_is_within_10_percent_of_that_after_1000(string backend)
    {
        var builder = YoloXBuilder.Create().WithModel(YoloXPreset.Nano).WithWeights(SharedAssets.NanoOnnx);
        using var detector = (backend == "onnx" ? builder.UseOnnxRuntime() : builder.UseTorch()).BuildDetector();
        using var image = ImageDecoder.Decode(SharedAssets.DogJpg);
        long after1000 = 0;
        for (var i = 1; i <= 10_000; i++)
        {
            var result = detector.Detect(image);
            Assert.NotEmpty(result.Detections);
            if (i == 1_000)
            {
                after1000 = ResidentBytes();
            }
        }
        var after10000 = ResidentBytes();
        output.WriteLine($"{backend}: resident {after1000 / 1048576.0:F1} MB after 1,000 calls, {after10000 / 1048576.0:F1} MB after 10,000");
        Assert.True(after10000 <= after1000 * 1.10,
            $"resident memory grew from {after1000 / 1048576} MB (1,000 calls) to {after10000 / 1048576} MB (10,000 calls)");
    }

    private static void RunCalls(YoloXDetector detector, SkiaSharp.SKBitmap image)
    {
        for (var i = 0; i < WindowCalls; i++)
        {
            detector.Detect(image);
        }
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

/// <summary>Tests that read the process's resident memory run alone, after the parallel ones.</summary>
[CollectionDefinition(nameof(ProcessMemoryCollection), DisableParallelization = true)]
public sealed class ProcessMemoryCollection;
