using YoloX.Cli.Rendering;
using System.CommandLine;
using System.Globalization;
using SkiaSharp;
using YoloX.Inference;
using YoloX.Inference.Backends;
using YoloX.Inference.Drawing;
using YoloX.Inference.Processing;
using YoloX.Inference.Weights;

namespace YoloX.Cli.Commands;

/// <summary><c>yolox detect &lt;images...&gt; --weights FILE</c>: detect objects, print them, optionally save drawings and JSON.</summary>
internal static class DetectCommand
{
    private static readonly string[] Models = ["nano", "tiny", "s", "m", "l", "x", "darknet53"];

    public static Command Create()
    {
        var images = new Argument<string[]>("images") { Description = "Image files to detect objects in.", Arity = ArgumentArity.OneOrMore };
        var weights = new Option<string?>("--weights", "-w")
        {
            Description = "Weights: a file path or an official name (e.g. yolox_nano.onnx) looked up in YOLOX_WEIGHTS_DIR or the cache, downloaded if missing.",
        };
        var model = new Option<string?>("--model", "-m") { Description = "Model size (sets the default input size and official weights name)." };
        model.AcceptOnlyFromAmong(Models);
        var backend = new Option<string>("--backend") { Description = "Inference backend.", DefaultValueFactory = _ => "onnx" };
        backend.AcceptOnlyFromAmong("onnx", "torch");
        var conf = new Option<float>("--conf") { Description = "Confidence threshold (objectness × class probability).", DefaultValueFactory = _ => 0.3f };
        var nms = new Option<float>("--nms") { Description = "NMS IoU threshold.", DefaultValueFactory = _ => 0.45f };
        var inputSize = new Option<int?>("--input-size") { Description = "Square input size (multiple of 32); default: the model's." };
        var json = new Option<string?>("--json") { Description = "Write all detections to this JSON file." };
        var saveDir = new Option<string?>("--save-dir") { Description = "Save each image with its boxes drawn into this folder." };
        var threads = new Option<int?>("--threads") { Description = "Intra-op threads of ONNX Runtime, or of libtorch with --backend torch (default: one per core)." };
        var command = new Command("detect", "Detect objects in images with a YOLOX model.")
        {
            images, weights, model, backend, conf, nms, inputSize, json, saveDir, threads,
        };
        HelpExamples.Add(command,
            "yolox detect dog.jpg --weights yolox_nano.onnx",
            "yolox detect images/*.jpg --weights yolox_s.pth --model s --backend torch --save-dir out --json out/dets.json");
        command.SetAction((parse, ct) => Task.FromResult(Run(parse, new Settings(
            parse.GetValue(images)!, parse.GetValue(weights), parse.GetValue(model), parse.GetValue(backend)!,
            parse.GetValue(conf), parse.GetValue(nms), parse.GetValue(inputSize), parse.GetValue(json),
            parse.GetValue(saveDir), parse.GetValue(threads)), ct)));
        return command;
    }

    private sealed record Settings(
        string[] Images, string? Weights, string? Model, string Backend, float Confidence, float Nms,
        int? InputSize, string? Json, string? SaveDir, int? Threads);

    private static int Run(ParseResult parse, Settings s, CancellationToken ct)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        YoloXDetector detector;
        try
        {
            detector = CreateBuilder(s).BuildDetector();
        }
        catch (Exception e) when (IsUserError(e))
        {
            error.WriteLine($"error: {e.Message}");
            return 1;
        }
        using (detector)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"model: {detector.Model.Source} ({detector.Model.Backend}, input {detector.Model.InputWidth}×{detector.Model.InputHeight}, {detector.Model.ClassCount} classes)"));
            var results = new List<DetectionResult>();
            var failures = 0;
            foreach (var path in s.Images)
            {
                ct.ThrowIfCancellationRequested();
                try
                {
                    var result = DetectOne(detector, path, s.SaveDir, ct);
                    results.Add(result);
                    Print(output, result);
                }
                catch (Exception e) when (IsUserError(e))
                {
                    failures++;
                    error.WriteLine($"error: {e.Message}");
                }
            }
            if (s.Json is { } jsonPath)
            {
                DetectionJson.WriteFile(jsonPath, results);
                output.WriteLine($"detections written to {jsonPath}");
            }
            return failures == 0 ? 0 : 1;
        }
    }

    private static YoloXBuilder CreateBuilder(Settings s) =>
        new DetectorSettings(s.Weights, s.Model, s.Backend, s.Confidence, s.Nms, s.InputSize, s.Threads)
            .ApplyTo(YoloXBuilder.Create());

    private static DetectionResult DetectOne(YoloXDetector detector, string path, string? saveDir, CancellationToken ct)
    {
        using var image = ImageDecoder.Decode(path);
        var result = detector.Detect(image, path, ct);
        if (saveDir is not null)
        {
            using var drawn = DetectionRenderer.Draw(image, result.Detections);
            var ext = Path.GetExtension(path).ToLowerInvariant() is ".jpg" or ".jpeg" or ".png" or ".webp" ? Path.GetExtension(path) : ".png";
            DetectionRenderer.Save(drawn, Path.Combine(saveDir, Path.GetFileNameWithoutExtension(path) + ext));
        }
        return result;
    }

    private static void Print(TextWriter output, DetectionResult r)
    {
        var t = r.Timings;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{r.Source} ({r.Width}×{r.Height}): {r.Detections.Count} object{(r.Detections.Count == 1 ? "" : "s")}  " +
            $"[pre {t.Preprocess.TotalMilliseconds:F1} ms, inference {t.Inference.TotalMilliseconds:F1} ms, post {t.Postprocess.TotalMilliseconds:F1} ms]"));
        foreach (var d in r.Detections)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {d.ClassName,-14} {d.Score * 100,5:F1}%  box [{d.Box.X1:F1}, {d.Box.Y1:F1}, {d.Box.X2:F1}, {d.Box.Y2:F1}]"));
        }
    }

    private static bool IsUserError(Exception e) =>
        e is FileNotFoundException or ImageDecodeException or InvalidModelException or WeightsDownloadException
            or InvalidOperationException or NotSupportedException or ArgumentException or IOException or UnauthorizedAccessException;
}
