// Exports a YOLOX model to ONNX with the YoloX.NET exporter (written in C#; no Python), then verifies the file by
// detecting on an image with the ONNX Runtime backend and comparing with the TorchSharp backend on the source weights.
//
//   dotnet run --project samples/ExportOnnx -c Release -- WEIGHTS OUTPUT.onnx [--model nano] [--decode] [--nms]
//       [--conf 0.3] [--nms-iou 0.45] [--opset 11] [--input-size N] [--image dog.jpg]
//
// WEIGHTS: our checkpoint (.safetensors, e.g. a FineTune or QuickStart result), an official .pth (with --model) or
// an official .onnx. The image defaults to the official demo image in the shared folder (YOLOX_SHARED).
using System.Globalization;
using YoloX.Core;
using YoloX.Core.Export;
using YoloX.Inference;
using YoloX.Inference.Backends;
using YoloX.Core.Runtime;

// libtorch logs a warning per small convolution on CPUs where NNPACK cannot start; keep the sample's output readable
// unless TORCH_CPP_LOG_LEVEL asks for libtorch's messages.
LibTorchLog.SetDefaultMinimumLevel(LibTorchLogLevel.Error);

var positional = new List<string>();
var flags = new HashSet<string>(StringComparer.Ordinal);
var values = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 0; i < args.Length; i++)
{
    if (args[i] is "--decode" or "--nms")
    {
        flags.Add(args[i]);
    }
    else if (args[i].StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Length)
    {
        values[args[i]] = args[++i];
    }
    else
    {
        positional.Add(args[i]);
    }
}
if (positional.Count != 2)
{
    Console.Error.WriteLine("usage: ExportOnnx WEIGHTS OUTPUT.onnx [--model nano] [--decode] [--nms] [--conf 0.3] [--nms-iou 0.45] [--opset 11] [--input-size N] [--image FILE]");
    return 2;
}
var (weights, output) = (positional[0], positional[1]);
float F(string key, float fallback) => values.TryGetValue(key, out var v) ? float.Parse(v, CultureInfo.InvariantCulture) : fallback;
YoloXPreset? preset = values.TryGetValue("--model", out var m) && YoloXConfig.TryParsePreset(m, out var p) ? p : null;
int? inputSize = values.TryGetValue("--input-size", out var s) ? int.Parse(s, CultureInfo.InvariantCulture) : null;
var options = new OnnxExportOptions
{
    Decode = flags.Contains("--decode"),
    Nms = flags.Contains("--nms"),
    NmsScoreThreshold = F("--conf", 0.3f),
    NmsIouThreshold = F("--nms-iou", 0.45f),
    Opset = values.TryGetValue("--opset", out var o) ? int.Parse(o, CultureInfo.InvariantCulture) : OnnxExportOptions.MinOpset,
    InputWidth = inputSize,
    InputHeight = inputSize,
}.Validate();

// 1. Load the weights into the TorchSharp model (any format we read) and export.
var (model, names) = TorchBackend.LoadModel(weights, preset);
using (model)
{
    model.eval();
    names ??= model.NumClasses == CocoClasses.Names.Count ? CocoClasses.Names : null;
    model.ExportOnnx(output, options with { ClassNames = names });
}
Console.WriteLine($"wrote {output} ({new FileInfo(output).Length:N0} bytes, opset {options.Opset}" +
    $"{(options.Nms ? ", NMS in the graph" : options.Decode ? ", decoded boxes" : ", official raw layout")})");

// 2. Verify: the exported file through ONNX Runtime against the source weights through TorchSharp.
var image = values.TryGetValue("--image", out var img) ? img : Path.Combine(
    Environment.GetEnvironmentVariable("YOLOX_SHARED") ?? Path.Combine("..", "shared"), "assets", "images", "dog.jpg");
var conf = F("--conf", 0.3f);
var iou = F("--nms-iou", 0.45f);
var torchBuilder = YoloXBuilder.Create().WithWeights(weights).WithThresholds(conf, iou).UseTorch("cpu");
if (preset is { } known)
{
    torchBuilder = torchBuilder.WithModel(known);
}
if (inputSize is { } size)
{
    torchBuilder = torchBuilder.WithInputSize(size);
}
using var onnx = YoloXBuilder.Create().WithWeights(output).WithThresholds(conf, iou).UseOnnxRuntime().BuildDetector();
using var torch = torchBuilder.BuildDetector();
var fromOnnx = onnx.Detect(image).Detections;
var fromTorch = torch.Detect(image).Detections;
Console.WriteLine($"{image}: {fromOnnx.Count} objects with ONNX Runtime ({onnx.Model.InputWidth}×{onnx.Model.InputHeight}), {fromTorch.Count} with TorchSharp");
foreach (var d in fromOnnx)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  {d.ClassName,-12} {d.Score,6:P1}  [{d.Box.X1:F0}, {d.Box.Y1:F0}, {d.Box.X2:F0}, {d.Box.Y2:F0}]"));
}
var worstScore = fromOnnx.Zip(fromTorch).Select(t => Math.Abs(t.First.Score - t.Second.Score)).DefaultIfEmpty(0).Max();
var agree = fromOnnx.Count == fromTorch.Count && fromOnnx.Zip(fromTorch).All(t => t.First.ClassId == t.Second.ClassId);
Console.WriteLine(agree
    ? string.Create(CultureInfo.InvariantCulture, $"verified: same detections on both backends (largest score difference {worstScore:E1})")
    : "MISMATCH: the backends disagree (see above)");
return agree ? 0 : 1;
