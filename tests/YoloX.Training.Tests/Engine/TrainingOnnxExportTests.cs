using Xunit;
using Xunit.Abstractions;
using YoloX.Core;
using YoloX.Core.Export;
using YoloX.Inference;
using YoloX.Inference.Backends;
using YoloX.Inference.Processing;
using YoloX.Testing;
using YoloX.Training.Checkpoints;
using YoloX.Training.Engine;

namespace YoloX.Training.Tests.Engine;

/// <summary>
/// A checkpoint really fine-tuned by the trainer (Nano from the official COCO weights to BCCD's 3 classes, a few
/// iterations) exports through the trainer's result, and the ONNX backend on the file detects what the Torch backend
/// detects on the checkpoint: same count, one-to-one same class, IoU ≥ 0.999, score within 1e-4.
/// </summary>
public sealed class TrainingOnnxExportTests(ITestOutputHelper output)
{
    private const int Size = 320;

    /// <summary>Low: after a few iterations the new 3-class head still scores near its 0.01 prior.</summary>
    private const float Confidence = 0.01f;

    private const float NmsIou = 0.45f;

    /// <summary>No cap in practice: a cap cuts among near-equal scores, where 1e-7 differences may pick different boxes.</summary>
    private const int MaxDetections = 5000;

    [Fact]
    public void FineTunedCheckpoint_ExportsAndDetectsLikeTheTorchBackend()
    {
        using var dir = new TempDir();
        var data = TrainingFixtures.Bccd(4);
        TrainingResult result;
        using (var run = YoloXBuilder.Create()
            .WithModel(YoloXPreset.Nano)
            .WithWeights(SharedAssets.NanoOnnx)
            .ForTraining(data, r => TrainingFixtures.TinyRecipe with { MaxEpoch = 1, WarmupEpochs = 0, NoAugEpochs = 0, MosaicProb = 0 })
            .WithOptions(o => o with { OutputDirectory = Path.Combine(dir.Path, "run"), Plots = false, TensorBoard = false })
            .BuildTrainer(TextWriter.Null))
        {
            result = run.Train();
        }
        Assert.Equal(TrainingStopReason.Completed, result.Reason);
        output.WriteLine($"trained {result.Progress.Iteration} iterations");

        var raw = Path.Combine(dir.Path, "bccd.onnx");
        var nms = Path.Combine(dir.Path, "bccd-nms.onnx");
        var exported = result.ExportOnnx(raw, new OnnxExportOptions { InputWidth = Size, InputHeight = Size });
        Assert.Equal(result.LatestCheckpoint, exported); // no evaluation ran, so there is no best checkpoint
        result.ExportOnnx(nms, new OnnxExportOptions
        {
            Nms = true, NmsScoreThreshold = Confidence, NmsIouThreshold = NmsIou, MaxDetections = MaxDetections,
            InputWidth = Size, InputHeight = Size,
        });

        var image = Path.Combine(TrainingFixtures.BccdRoot, "JPEGImages", "BloodImage_00010.jpg");
        var (model, names) = TrainingCheckpoint.LoadModel(result.LatestCheckpoint);
        var torch = Detect(new TorchBackend(model, "checkpoint", TorchSharp.torch.CPU, (Size, Size), names), image);
        Assert.All(torch, d => Assert.Contains(d.ClassName, data.ClassNames));
        foreach (var file in new[] { raw, nms })
        {
            using (var detector = YoloXBuilder.Create().WithWeights(file).BuildDetector())
            {
                Assert.Equal(data.ClassNames, detector.ClassNames); // the names travel in the file's metadata
            }
            var onnx = Detect(new OnnxRuntimeBackend(file), image);
            output.WriteLine($"{Path.GetFileName(file)}: torch {torch.Count}, onnx {onnx.Count}");
            AssertSameDetections(torch, onnx);
        }
    }

    private static List<Detection> Detect(IInferenceBackend backend, string image)
    {
        var options = new YoloXDetectorOptions(new PostprocessOptions(Confidence, NmsIou, MaxDetections: MaxDetections, ClipBoxes: false));
        using var detector = new YoloXDetector(backend, options);
        return [.. detector.Detect(image).Detections];
    }

    private void AssertSameDetections(IReadOnlyList<Detection> expected, IReadOnlyList<Detection> actual)
    {
        Assert.True(expected.Count > 0, "The Torch backend found nothing; the comparison would prove nothing.");
        Assert.Equal(expected.Count, actual.Count);
        var used = new bool[actual.Count];
        double worstIoU = 1, worstScore = 0;
        foreach (var e in expected)
        {
            Assert.True(float.IsFinite(e.Score), "Non-finite Torch score.");
            var (best, bestIoU) = (-1, -1.0);
            for (var j = 0; j < actual.Count; j++)
            {
                var iou = used[j] || actual[j].ClassId != e.ClassId ? -1 : IoU(e.Box, actual[j].Box);
                if (iou > bestIoU)
                {
                    (best, bestIoU) = (j, iou);
                }
            }
            Assert.True(best >= 0 && bestIoU >= 0.999, $"No match (IoU ≥ 0.999) for {e}; best IoU {bestIoU:G6}.");
            used[best] = true;
            var diff = Math.Abs(actual[best].Score - e.Score);
            Assert.True(diff <= 1e-4, $"Score of {e} differs by {diff:G3}.");
            (worstIoU, worstScore) = (Math.Min(worstIoU, bestIoU), Math.Max(worstScore, diff));
        }
        output.WriteLine($"  {expected.Count} matched; worst IoU {worstIoU:G6}, worst |Δscore| {worstScore:G3}");
    }

    private static double IoU(BoundingBox a, BoundingBox b)
    {
        var w = Math.Max(0, Math.Min(a.X2, b.X2) - Math.Max(a.X1, b.X1));
        var h = Math.Max(0, Math.Min(a.Y2, b.Y2) - Math.Max(a.Y1, b.Y1));
        var inter = (double)w * h;
        var union = (double)a.Area + b.Area - inter;
        return union <= 0 ? 0 : inter / union;
    }
}
