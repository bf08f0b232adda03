using Xunit.Abstractions;
using YoloX.Core;
using YoloX.Core.Export;
using YoloX.Core.Weights;
using YoloX.Inference.Backends;
using YoloX.Inference.Processing;
using YoloX.Testing;

namespace YoloX.Inference.Tests.Export;

/// <summary>
/// A checkpoint with another class count (saved by <see cref="YoloXCheckpoint"/>, standing in for a fine-tuned one
/// until the trainer lands) exports, and detects on the ONNX backend exactly as on the Torch backend.
/// </summary>
[Collection(ExportCollection.Name)]
public sealed class CheckpointExportTests(ITestOutputHelper output)
{
    [Fact]
    public void ThreeClassCheckpoint_ExportsAndDetectsLikeTheTorchBackend()
    {
        using var dir = new TempDir();
        string[] names = ["cat", "dog", "bird"];
        var checkpoint = dir.File("three.safetensors");
        using (var model = ExportTestModels.Random(YoloXPreset.Nano, numClasses: 3, inputSize: 416))
        {
            NmsExportTests.SpreadScores(model);
            YoloXCheckpoint.Save(model, checkpoint, names);
        }
        var (loaded, storedNames) = TorchBackend.LoadModel(checkpoint, null);
        var raw = dir.File("three.onnx");
        var nms = dir.File("three-nms.onnx");
        using (loaded)
        {
            loaded.eval();
            loaded.ExportOnnx(raw, new OnnxExportOptions { ClassNames = storedNames });
            loaded.ExportOnnx(nms, new OnnxExportOptions { ClassNames = storedNames, Nms = true, NmsScoreThreshold = 0.45f, MaxDetections = 5000 });
        }
        output.WriteLine($"checker: {OnnxChecker.Check(raw)}; {OnnxChecker.Check(nms)}");
        var options = new YoloXDetectorOptions(new PostprocessOptions(0.45f, 0.45f, MaxDetections: 5000, ClipBoxes: false));
        var torch = Detect(TorchBackend.Load(checkpoint, null), options);
        foreach (var file in new[] { raw, nms })
        {
            var onnx = Detect(new OnnxRuntimeBackend(file), options);
            output.WriteLine($"{Path.GetFileName(file)}: torch {torch.Count}, onnx {onnx.Count}");
            Assert.All(onnx, d => Assert.Contains(d.ClassName, names));
            DetectionAssert.Same(torch, onnx, output);
        }
    }

    private static List<Detection> Detect(IInferenceBackend backend, YoloXDetectorOptions options)
    {
        using var detector = new YoloXDetector(backend, options);
        return [.. detector.Detect(SharedAssets.DogJpg).Detections];
    }
}
