using QuickStart;
using YoloX.Inference;
using YoloX.Inference.Processing;

namespace YoloX.Samples.Tests;

/// <summary>
/// The QuickStart end to end with its defaults (what `dotnet run --project samples/QuickStart` does): the model it
/// trains from scratch must clearly learn the synthetic shapes, and every artefact it announces must be usable.
/// In CI (not Slow): the whole run took about 3–4 minutes on the quiet 2-core build machine (README.md lists the runs).
/// </summary>
public sealed class QuickStartTests : IDisposable
{
    private readonly string output = Path.Combine(Path.GetTempPath(), "yolox-quickstart-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void QuickStart_trains_a_detector_above_AP_half_and_leaves_a_working_ONNX_file_and_an_annotated_PNG()
    {
        var log = new StringWriter();
        var summary = QuickStartRun.Run(new QuickStartOptions { OutputDirectory = output }, log);

        // NaN fails these comparisons.
        Assert.True(summary.TorchAP > 0.5, $"AP {summary.TorchAP} (TorchSharp) is not above 0.5\n{log}");
        Assert.True(summary.OnnxAP > 0.5, $"AP {summary.OnnxAP} (ONNX Runtime) is not above 0.5");
        Assert.InRange(Math.Abs(summary.TorchAP - summary.OnnxAP), 0, 0.01);
        Assert.Contains("[6/6]", log.ToString(), StringComparison.Ordinal);

        using (var png = ImageDecoder.Decode(summary.PngPath))
        {
            Assert.Equal((160, 160), (png.Width, png.Height));
        }

        // The exported file on its own (class names from its metadata) finds the shapes of a fresh drawing.
        var fresh = SyntheticShapes.Generate(4, 160, seed: 424242);
        try
        {
            using var detector = YoloXBuilder.Create().WithWeights(summary.OnnxPath).UseOnnxRuntime()
                .WithThresholds(confidence: 0.3f, nms: 0.45f).BuildDetector();
            var found = fresh.Sum(image => detector.Detect(image.Bitmap).Detections.Count(d => SyntheticShapes.ClassNames.Contains(d.ClassName)));
            Assert.True(found >= fresh.Sum(image => image.Boxes.Length) / 2, $"the ONNX file found only {found} shapes");
        }
        finally
        {
            foreach (var image in fresh)
            {
                image.Bitmap.Dispose();
            }
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(output))
        {
            Directory.Delete(output, recursive: true);
        }
    }
}
