using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using YoloX.Core;
using YoloX.Core.Export;
using YoloX.Inference;
using YoloX.Inference.Backends;
using YoloX.Training.Checkpoints;

namespace YoloX.Cli.Commands;

/// <summary>
/// <c>yolox export --weights FILE --output FILE.onnx</c>: writes any model we can load (official .pth or .onnx, our
/// checkpoints) as an ONNX file, optionally with decoding and NMS in the graph.
/// </summary>
internal static class ExportCommand
{
    private static readonly string[] Models = ["nano", "tiny", "s", "m", "l", "x", "darknet53"];

    public static Command Create()
    {
        var weights = new Option<string>("--weights", "-w")
        {
            Description = "Weights to export: an official .pth (needs --model), an .onnx, a checkpoint saved by YoloX.NET, or a training checkpoint (EMA weights).",
            Required = true,
        };
        var outputPath = new Option<string>("--output", "-o") { Description = "The ONNX file to write.", Required = true };
        var model = new Option<string?>("--model", "-m") { Description = "Model size of an official .pth (optional otherwise)." };
        model.AcceptOnlyFromAmong(Models);
        var decode = new Option<bool>("--decode") { Description = "Decode boxes to (cx, cy, w, h) in input pixels inside the graph." };
        var nms = new Option<bool>("--nms") { Description = "Append NonMaxSuppression; output [K, 7] (batch, x1, y1, x2, y2, score, class). Implies --decode." };
        var conf = new Option<float>("--conf") { Description = "NMS score threshold baked into the graph.", DefaultValueFactory = _ => 0.3f };
        var iou = new Option<float>("--nms-iou") { Description = "NMS IoU threshold baked into the graph.", DefaultValueFactory = _ => 0.45f };
        var maxDetections = new Option<int>("--max-detections") { Description = "NMS: most boxes per image and class.", DefaultValueFactory = _ => 300 };
        var dynamicBatch = new Option<bool>("--dynamic-batch") { Description = "Symbolic batch dimension." };
        var dynamicSize = new Option<bool>("--dynamic-size") { Description = "Symbolic height and width (multiples of 32)." };
        var opset = new Option<int>("--opset") { Description = "ONNX opset, 11–17.", DefaultValueFactory = _ => OnnxExportOptions.MinOpset };
        var inputSize = new Option<int?>("--input-size") { Description = "Square input size (multiple of 32); default: the model's." };
        var command = new Command("export", "Export a YOLOX model to ONNX (official layout by default: input 'images', output 'output' [B, N, 5 + C], opset 11).")
        {
            weights, outputPath, model, decode, nms, conf, iou, maxDetections, dynamicBatch, dynamicSize, opset, inputSize,
        };
        command.SetAction((parse, ct) => Task.FromResult(Run(parse, parse.GetValue(weights)!, parse.GetValue(outputPath)!,
            parse.GetValue(model), new OnnxExportOptions
            {
                Decode = parse.GetValue(decode),
                Nms = parse.GetValue(nms),
                NmsScoreThreshold = parse.GetValue(conf),
                NmsIouThreshold = parse.GetValue(iou),
                MaxDetections = parse.GetValue(maxDetections),
                DynamicBatch = parse.GetValue(dynamicBatch),
                DynamicInputSize = parse.GetValue(dynamicSize),
                Opset = parse.GetValue(opset),
                InputWidth = parse.GetValue(inputSize),
                InputHeight = parse.GetValue(inputSize),
            }, ct)));
        return command;
    }

    private static int Run(ParseResult parse, string weights, string outputPath, string? modelName, OnnxExportOptions options, CancellationToken ct)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        try
        {
            options.Validate();
            YoloXPreset? preset = modelName is null ? null
                : YoloXConfig.TryParsePreset(modelName, out var p) ? p : throw new ArgumentException($"Unknown model '{modelName}'.");
            var started = Stopwatch.GetTimestamp();
            // The trainer's checkpoints (best/latest_ckpt.safetensors) hold model, EMA and optimiser: export the EMA model.
            var (model, names) = File.Exists(weights) && TrainingCheckpoint.IsTrainingCheckpoint(weights)
                ? TrainingCheckpoint.LoadModel(weights)
                : TorchBackend.LoadModel(weights, preset);
            using (model)
            {
                model.eval();
                names ??= model.NumClasses == CocoClasses.Names.Count ? CocoClasses.Names : null;
                model.ExportOnnx(outputPath, options with { ClassNames = names }, ct);
            }
            var elapsed = Stopwatch.GetElapsedTime(started);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {outputPath} ({new FileInfo(outputPath).Length:N0} bytes, opset {options.Opset}{(options.Nms ? ", NMS" : options.Decode ? ", decoded" : "")}{(options.DynamicBatch ? ", dynamic batch" : "")}{(options.DynamicInputSize ? ", dynamic size" : "")}) in {elapsed.TotalSeconds:F1} s"));
            return 0;
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidModelException or OnnxExportException or ArgumentException
            or CheckpointFormatException
            or IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}
