using TorchSharp;
using Xunit.Abstractions;
using YoloX.Core;
using YoloX.Core.Export;
using YoloX.Core.Weights;
using YoloX.Inference.Backends;
using YoloX.Testing;

namespace YoloX.Inference.Tests.Export;

/// <summary>
/// Files with decode and NMS in the graph run through the same <c>Detect</c> as everything else, and give the
/// detections of our Torch-backend detector on the same model (IoU ≥ 0.999, score within 1e-4, same class).
/// Random weights get spread-out scores (<see cref="SpreadScores"/>) so that dog.jpg yields real NMS work.
/// </summary>
[Collection(ExportCollection.Name)]
public sealed class NmsExportTests(ITestOutputHelper output)
{
    private const int Size = 256;
    private const float Confidence = 0.3f;
    private const float NmsIou = 0.45f;

    /// <summary>No cap in practice: a cap cuts among near-equal scores, where 1e-7 differences may pick different boxes.</summary>
    private const int MaxDetections = 5000;

    [Theory]
    [InlineData(YoloXPreset.Nano)]
    [InlineData(YoloXPreset.S)]
    public void NmsInGraph_DetectsLikeTheTorchDetector(YoloXPreset preset) => CheckNms(preset, torchInFloat64: false);

    /// <summary>
    /// Tiny: the Torch-backend detector runs the model in float64. On this build machine (AMD EPYC with AVX-512)
    /// libtorch's bundled oneDNN 3.7.1 computes some float32 convolutions wrongly: Tiny's 24→48 3×3 stride-2
    /// convolution at 128×128 (input channels padded to 32 in oneDNN's blocked layout, kernel jit:avx512_core) differs
    /// from float64 by 0.55–1.7 and sometimes gives NaN, from run to run. With ONEDNN_MAX_CPU_ISA=AVX2 that call is
    /// within 2.6e-6 but the 12-channel Focus convolution (not a multiple of AVX2's 8-channel blocks) goes wrong instead,
    /// so no ISA setting is a workaround. That, not the model, is the 3.6e-4 score gap and the occasional NaN seen
    /// before: the random Tiny is well conditioned (features ≤ 0.30, logits ≤ 3.3 in float64), and float64 libtorch
    /// does not use oneDNN.
    /// </summary>
    [Fact]
    public void NmsInGraph_DetectsLikeTheTorchDetector_Tiny() => CheckNms(YoloXPreset.Tiny, torchInFloat64: true);

    /// <summary>Darknet53 (a 255 MB file): 15 s alone on the quiet build machine (~2.5 min when it was loaded).</summary>
    [Fact]
    public void NmsInGraph_DetectsLikeTheTorchDetector_Darknet53() => CheckNms(YoloXPreset.Darknet53, torchInFloat64: false);

    private void CheckNms(YoloXPreset preset, bool torchInFloat64)
    {
        using var dir = new TempDir();
        var model = ExportTestModels.Random(preset, inputSize: Size);
        SpreadScores(model);
        var path = dir.File($"{preset}-nms.onnx");
        model.ExportOnnx(path, new OnnxExportOptions { Nms = true, NmsScoreThreshold = Confidence, NmsIouThreshold = NmsIou, MaxDetections = MaxDetections, DynamicBatch = true });
        output.WriteLine($"checker: {OnnxChecker.Check(path)}");
        if (torchInFloat64)
        {
            ExportTestModels.ToFloat64(model);
        }
        var torch = Detect(new TorchBackend(model, "torch", TorchSharp.torch.CPU));
        var onnx = Detect(new OnnxRuntimeBackend(path));
        output.WriteLine($"{preset}: torch{(torchInFloat64 ? " (float64)" : "")} {torch.Count} detections, onnx (NMS in graph) {onnx.Count}");
        DetectionAssert.Same(torch, onnx, output);
    }

    [Fact]
    public void DecodedAndNmsFiles_NeedNoSettingsBesideTheFile()
    {
        using var dir = new TempDir();
        using var model = ExportTestModels.Random(YoloXPreset.Nano, numClasses: 3, inputSize: Size);
        string[] names = ["cat", "dog", "bird"];
        var plain = dir.File("plain.onnx");
        var nms = dir.File("nms.onnx");
        model.ExportOnnx(plain, new OnnxExportOptions { Decode = true, DynamicBatch = true, DynamicInputSize = true, ClassNames = names, Opset = 17 });
        model.ExportOnnx(nms, new OnnxExportOptions { Nms = true, ClassNames = names, Opset = 13 });
        output.WriteLine($"checker: {OnnxChecker.Check(plain)}; {OnnxChecker.Check(nms)}");
        foreach (var file in new[] { plain, nms })
        {
            using var detector = YoloXBuilder.Create().WithWeights(file).BuildDetector();
            Assert.Equal(Size, detector.Model.InputWidth);
            Assert.Equal(Size, detector.Model.InputHeight);
            Assert.True(detector.Model.OutputDecoded);
            Assert.Equal(names, detector.ClassNames);
        }
    }

    /// <summary>
    /// Zero cls/obj biases and 20× their weights: the random head's logits then spread over many units, so scores
    /// range over (0, 1) with few near-ties (the 0.01 prior alone gives no box above 0.3).
    /// </summary>
    internal static void SpreadScores(YoloXModel model)
    {
        model.Head.InitializeBiases(0.5);
        using var noGrad = TorchSharp.torch.no_grad();
        foreach (var (name, parameter) in model.named_parameters())
        {
            if ((name.Contains("cls_preds", StringComparison.Ordinal) || name.Contains("obj_preds", StringComparison.Ordinal)) &&
                name.EndsWith(".weight", StringComparison.Ordinal))
            {
                parameter.mul_(20);
            }
        }
    }

    private static List<Detection> Detect(IInferenceBackend backend)
    {
        using var detector = new YoloXDetector(backend, new YoloXDetectorOptions(new Processing.PostprocessOptions(Confidence, NmsIou, MaxDetections: MaxDetections, ClipBoxes: false)));
        return [.. detector.Detect(SharedAssets.DogJpg).Detections];
    }
}
