using Xunit.Abstractions;
using YoloX.Core.Runtime;
using YoloX.Inference;
using YoloX.Testing;

namespace YoloX.Samples.Tests;

/// <summary>samples/ExportOnnx as a user runs it: official weights → ONNX with NMS → verified on dog.jpg.</summary>
public sealed class ExportOnnxSampleTests(ITestOutputHelper log) : IDisposable
{
    private readonly string output = Path.Combine(Path.GetTempPath(), "yolox-export-sample-" + Guid.NewGuid().ToString("N") + ".onnx");

    [Fact]
    public void ExportOnnx_writes_an_NMS_file_that_detects_the_dog_like_the_source_weights()
    {
        var (exitCode, text) = SampleProcess.Run("ExportOnnx", TimeSpan.FromMinutes(3),
            SharedAssets.NanoOnnx, output, "--nms", "--image", SharedAssets.DogJpg);

        Assert.True(exitCode == 0, text);
        Assert.Contains("verified: same detections on both backends", text, StringComparison.Ordinal);
        using var detector = YoloXBuilder.Create().WithWeights(output).UseOnnxRuntime().BuildDetector();
        Assert.Contains(detector.Detect(SharedAssets.DogJpg).Detections, d => d.ClassName == "dog");
    }

    [Fact]
    public void ExportOnnx_keeps_libtorchs_warnings_out_of_its_output_unless_TORCH_CPP_LOG_LEVEL_asks_for_them()
    {
        string[] args = [SharedAssets.NanoOnnx, output, "--image", SharedAssets.DogJpg];
        var quiet = SampleProcess.Run("ExportOnnx", TimeSpan.FromMinutes(3), Level(null), args);
        var asked = SampleProcess.Run("ExportOnnx", TimeSpan.FromMinutes(3), Level("WARNING"), args);
        log.WriteLine($"libtorch warning lines: default {WarningLines(quiet.Output)}, TORCH_CPP_LOG_LEVEL=WARNING {WarningLines(asked.Output)}");

        Assert.True(quiet.ExitCode == 0 && asked.ExitCode == 0, quiet.Output + asked.Output);
        Assert.Contains("verified", quiet.Output, StringComparison.Ordinal);
        Assert.Equal(0, WarningLines(quiet.Output));
        if (WarningLines(asked.Output) == 0)
            log.WriteLine("NNPACK starts on this CPU: libtorch had nothing to warn about, so only the default's silence is shown.");
    }

    private static Dictionary<string, string?> Level(string? level) => new() { [LibTorchLog.EnvironmentVariable] = level };

    // libtorch's log lines look like "[W1204 07:10:48.852589575 NNPACK.cpp:56] ...".
    private static int WarningLines(string text) => text.Split('\n').Count(l => l.StartsWith("[W", StringComparison.Ordinal));

    public void Dispose() => File.Delete(output);
}
