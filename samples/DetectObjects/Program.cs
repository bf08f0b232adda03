// Detects objects in images with the official YOLOX-Nano weights and writes annotated copies.
//
//   dotnet run --project samples/DetectObjects -- [images...] [--torch]
//
// Weights are resolved by name from YOLOX_WEIGHTS_DIR (./build.sh sets it to ../shared/assets/weights), else from the
// user cache, else downloaded once from the official release. Without images, the official demo image from the
// shared folder (YOLOX_SHARED, default ../shared) is used.
using YoloX.Core;
using YoloX.Inference;
using YoloX.Inference.Drawing;
using YoloX.Inference.Processing;
using YoloX.Core.Runtime;

// libtorch logs a warning per small convolution on CPUs where NNPACK cannot start; keep the sample's output readable
// unless TORCH_CPP_LOG_LEVEL asks for libtorch's messages.
LibTorchLog.SetDefaultMinimumLevel(LibTorchLogLevel.Error);

var useTorch = args.Contains("--torch");
var images = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
if (images.Count == 0)
{
    var shared = Environment.GetEnvironmentVariable("YOLOX_SHARED") ?? Path.Combine("..", "shared");
    images.Add(Path.Combine(shared, "assets", "images", "dog.jpg"));
}

var builder = YoloXBuilder.Create()
    .WithModel(YoloXPreset.Nano)
    .WithWeights("yolox_nano.onnx")
    .WithThresholds(confidence: 0.3f, nms: 0.45f);
using var detector = (useTorch ? builder.UseTorch("cpu") : builder.UseOnnxRuntime()).BuildDetector();
Console.WriteLine($"model: {detector.Model.Source} on {detector.Model.Backend}");

var outputDir = Directory.CreateDirectory("detections").FullName;
foreach (var path in images)
{
    try
    {
        var result = detector.Detect(path);
        Console.WriteLine($"{path}: {result.Detections.Count} objects in {result.Timings.Inference.TotalMilliseconds:F1} ms");
        foreach (var d in result.Detections)
        {
            Console.WriteLine($"  {d.ClassName,-12} {d.Score,6:P1}  [{d.Box.X1:F0}, {d.Box.Y1:F0}, {d.Box.X2:F0}, {d.Box.Y2:F0}]");
        }
        using var image = ImageDecoder.Decode(File.ReadAllBytes(path));
        using var drawn = DetectionRenderer.Draw(image, result.Detections);
        var target = Path.Combine(outputDir, Path.GetFileNameWithoutExtension(path) + ".png");
        DetectionRenderer.Save(drawn, target);
        Console.WriteLine($"  → {target}");
    }
    catch (ImageDecodeException e)
    {
        // A bad image is reported and skipped; the detector stays usable for the next one.
        Console.Error.WriteLine($"skipped {path}: {e.Message}");
    }
}
