using YoloX.Cli.Rendering;
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using YoloX.Inference;
using YoloX.Inference.Backends;
using YoloX.Inference.Weights;
using YoloX.Inference.Processing;
using YoloX.Training.Checkpoints;
using YoloX.Training.Data;
using YoloX.Training.Evaluation;

namespace YoloX.Cli.Commands;

/// <summary>
/// <c>yolox eval --weights FILE --dataset PATH</c>: run a model over a dataset and print COCO metrics exactly as
/// pycocotools' <c>summarize()</c> does, plus per-class AP/AR (and VOC mAP50 on request).
/// </summary>
internal static class EvalCommand
{
    private static readonly string[] Models = ["nano", "tiny", "s", "m", "l", "x", "darknet53"];

    public static Command Create()
    {
        var weights = new Option<string?>("--weights", "-w") { Description = "Model weights (file or official name)." };
        var dataset = new Option<string>("--dataset", "-d") { Description = "Dataset folder or COCO annotation JSON.", Required = true };
        var source = new DatasetCommand.SourceOptions();
        var model = new Option<string?>("--model", "-m") { Description = "Model size (default input size and official weights name)." };
        model.AcceptOnlyFromAmong(Models);
        var backend = new Option<string>("--backend") { Description = "Inference backend.", DefaultValueFactory = _ => "onnx" };
        backend.AcceptOnlyFromAmong("onnx", "torch");
        var conf = new Option<float>("--conf") { Description = "Confidence threshold (YOLOX evaluates at 0.001).", DefaultValueFactory = _ => 0.001f };
        var nms = new Option<float>("--nms") { Description = "NMS IoU threshold (YOLOX evaluates at 0.65).", DefaultValueFactory = _ => 0.65f };
        var inputSize = new Option<int?>("--input-size") { Description = "Square input size (multiple of 32); default: the model's." };
        var json = new Option<string?>("--json") { Description = "Write the 12 statistics and per-class AP (fractions) to this JSON file." };
        var detections = new Option<string?>("--detections") { Description = "Evaluate these COCO-format results instead of running a model." };
        var saveDetections = new Option<string?>("--save-detections") { Description = "Write the model's detections as COCO results JSON." };
        var voc = new Option<bool>("--voc") { Description = "Also print PASCAL VOC mAP50 (area and VOC07 11-point)." };
        var threads = new Option<int?>("--threads") { Description = "Intra-op threads of ONNX Runtime, or of libtorch with --backend torch (default: one per core)." };
        var command = new Command("eval", "Evaluate a YOLOX model on a dataset with COCO-exact metrics.")
        {
            weights, dataset, model, backend, conf, nms, inputSize, json, detections, saveDetections, voc, threads,
        };
        source.AddTo(command);
        HelpExamples.Add(command,
            "yolox eval --weights yolox_nano.onnx --dataset coco128 --format coco --conf 0.001 --nms 0.65",
            "yolox eval --weights mine.safetensors --backend torch --dataset datasets/bccd --format voc --voc");
        command.SetAction((parse, ct) => Task.FromResult(Run(parse, ct, new Settings(
            parse.GetValue(weights), parse.GetValue(dataset)!, parse.GetValue(model), parse.GetValue(backend)!,
            parse.GetValue(conf), parse.GetValue(nms), parse.GetValue(inputSize), parse.GetValue(json),
            parse.GetValue(detections), parse.GetValue(saveDetections), parse.GetValue(voc), parse.GetValue(threads)), source)));
        return command;
    }

    private sealed record Settings(
        string? Weights, string Dataset, string? Model, string Backend, float Confidence, float Nms, int? InputSize,
        string? Json, string? Detections, string? SaveDetections, bool Voc, int? Threads);

    private static int Run(ParseResult parse, CancellationToken ct, Settings s, DatasetCommand.SourceOptions source)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        try
        {
            var (format, options) = source.Resolve(parse, s.Dataset);
            // COCO JSON is evaluated exactly as pycocotools would (zero-area boxes stay, as misses); VOC/YOLO data
            // drops them, as the BCCD protocol of the official runs does.
            var data = DatasetIO.Read(s.Dataset, format, options);
            var dropped = 0;
            if (format != DatasetFormat.Coco)
            {
                data = data.WithoutZeroAreaBoxes(out dropped);
            }
            if (dropped > 0)
            {
                error.WriteLine($"note: {dropped} zero-area ground-truth box(es) left out (they can never be matched)");
            }
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"dataset: {data.Source} ({format.ToString().ToLowerInvariant()}, {data.Images.Count} images, {data.Annotations.Count} boxes, {data.ClassNames.Count} classes)"));
            var results = s.Detections is { } file ? CocoResultsFile.Read(file) : Detect(s, data, output, error, ct, GlobalOptions.IsQuiet(parse));
            if (results is null)
            {
                return 1;
            }
            if (s.SaveDetections is { } save)
            {
                CocoResultsFile.Write(save, results);
            }
            var evaluation = DatasetEvaluation.EvaluateCoco(data, results, cancellationToken: ct);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{results.Count} detections on {evaluation.ImageCount} images"));
            output.Write(evaluation.FormatSummary());
            output.WriteLine();
            output.WriteLine("per-class AP / AR (%), area all, maxDets 100:");
            output.Write(evaluation.FormatPerClassTable());
            if (s.Voc)
            {
                PrintVoc(output, data, results);
            }
            if (s.Json is { } jsonPath)
            {
                WriteJson(jsonPath, evaluation);
                output.WriteLine($"statistics written to {jsonPath}");
            }
            return 0;
        }
        catch (DatasetFormatException e)
        {
            error.WriteLine($"error: {e.Message}");
            return 2;
        }
        catch (Exception e) when (IsUserError(e))
        {
            error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    private static IReadOnlyList<CocoDetection>? Detect(
        Settings s, DetectionDataset data, TextWriter output, TextWriter error, CancellationToken ct, bool quiet = false)
    {
        if (s.Weights is null && s.Model is null)
        {
            error.WriteLine("error: give --weights (or --model for official weights), or --detections with precomputed results");
            return null;
        }
        using var detector = s.Weights is { } w && File.Exists(w) && TrainingCheckpoint.IsTrainingCheckpoint(w)
            ? FromTrainingCheckpoint(s, w)
            : CreateBuilder(s).BuildDetector();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"model: {detector.Model.Source} ({detector.Model.Backend}, input {detector.Model.InputWidth}×{detector.Model.InputHeight}, {detector.Model.ClassCount} classes), conf {s.Confidence}, nms {s.Nms}"));
        if (detector.Model.ClassCount != data.ClassNames.Count)
        {
            error.WriteLine($"warning: the model has {detector.Model.ClassCount} classes, the dataset {data.ClassNames.Count}; classes are matched by index");
        }
        return CliProgress.Run(error, "detecting", quiet, bar => DatasetEvaluation.Detect(data, path => detector.Detect(path).Detections,
            new Progress(bar), ct));
    }

    /// <summary>Forwards pipeline progress to the bar synchronously (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class Progress(IProgress<(int Done, int Total)> bar) : IProgress<EvaluationProgress>
    {
        public void Report(EvaluationProgress value) => bar.Report((value.Done, value.Total));
    }

    /// <summary>
    /// A detector over the EMA weights of one of our training checkpoints (what the trainer evaluated), on the Torch
    /// backend, with the checkpoint's class names and the recipe's test size unless --input-size says otherwise.
    /// </summary>
    private static YoloXDetector FromTrainingCheckpoint(Settings s, string path)
    {
        var (model, names) = TrainingCheckpoint.LoadModel(path);
        try
        {
            var size = s.InputSize ?? model.Config.InputSize;
            var backend = new TorchBackend(model, path, TorchSharp.torch.device("cpu"), (size, size), names);
            var options = new YoloXDetectorOptions(
                new PostprocessOptions(s.Confidence, s.Nms, MaxDetections: 100_000, ClipBoxes: false), names);
            return new YoloXDetector(backend, options);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static YoloXBuilder CreateBuilder(Settings s) =>
        // YOLOX's evaluation keeps every box that survives NMS (COCOeval then keeps 100 per image and class) and does
        // not clip boxes to the image.
        new DetectorSettings(s.Weights, s.Model, s.Backend, s.Confidence, s.Nms, s.InputSize, s.Threads)
            .ApplyTo(YoloXBuilder.Create().WithMaxDetections(100_000).WithBoxClipping(false));

    private static void PrintVoc(TextWriter output, DetectionDataset data, IReadOnlyList<CocoDetection> results)
    {
        var area = DatasetEvaluation.EvaluateVoc(data, results);
        var eleven = DatasetEvaluation.EvaluateVoc(data, results, use07Metric: true);
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"VOC mAP50: {area.MeanAP:F4} (area), {eleven.MeanAP:F4} (VOC07 11-point)"));
        foreach (var (a, e) in area.PerClass.Zip(eleven.PerClass))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {a.Name,-16} {a.AP:F4}  {e.AP:F4}"));
        }
    }

    /// <summary>The 12 statistics and per-class AP as fractions; classes without ground truth get null.</summary>
    internal static void WriteJson(string path, CocoEvaluationResult evaluation)
    {
        var s = evaluation.Statistics;
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        var names = new[] { "AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl" };
        foreach (var (name, value) in names.Zip(s.ToArray()))
        {
            json.WriteNumber(name, value);
        }
        json.WriteStartObject("per_class");
        foreach (var c in evaluation.PerClass)
        {
            if (double.IsNaN(c.AP))
            {
                json.WriteNull(c.Name);
            }
            else
            {
                json.WriteNumber(c.Name, c.AP);
            }
        }
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static bool IsUserError(Exception e) =>
        e is FileNotFoundException or DirectoryNotFoundException or ImageDecodeException or InvalidModelException
            or WeightsDownloadException or InvalidOperationException or NotSupportedException or ArgumentException
            or IOException or UnauthorizedAccessException or CheckpointFormatException;
}
