using YoloX.Core;
using YoloX.Inference;

// Detects objects in one image with both backends through the packed YoloX.Inference package and checks that they
// agree on the objects found. Usage: PackageConsumer <image> <weights.onnx>; exit code 0 when both find objects.
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: PackageConsumer <image> <weights.onnx>");
    return 2;
}
var (image, weights) = (args[0], args[1]);
var found = new List<string>();
foreach (var backend in new[] { "onnx", "torch" })
{
    var builder = YoloXBuilder.Create().WithModel(YoloXPreset.Nano).WithWeights(weights);
    builder = backend == "onnx" ? builder.UseOnnxRuntime() : builder.UseTorch("cpu");
    using var detector = builder.BuildDetector();
    var result = detector.Detect(image);
    var names = string.Join(", ", result.Detections.Select(d => d.ClassName).Order());
    Console.WriteLine($"{backend}: {result.Detections.Count} objects ({names})");
    found.Add(names);
}
Console.WriteLine($"YoloX.Inference {typeof(YoloXBuilder).Assembly.GetName().Version} from the package feed");
return found.All(f => f.Length > 0) && found.Distinct().Count() == 1 ? 0 : 1;
