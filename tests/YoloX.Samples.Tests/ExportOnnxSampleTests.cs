using YoloX.Inference;
using YoloX.Testing;

namespace YoloX.Samples.Tests;

/// <summary>samples/ExportOnnx as a user runs it: official weights → ONNX with NMS → verified on dog.jpg.</summary>
public sealed class ExportOnnxSampleTests : IDisposable
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

    public void Dispose() => File.Delete(output);
}
