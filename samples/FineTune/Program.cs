// Fine-tunes a YOLOX model from a weights file on a VOC, COCO or YOLO-txt dataset folder with the fluent builder
// (YoloXBuilder ... .ForTraining(...).BuildTrainer()), evaluating on a held-out split, and prints where the
// checkpoints, results.csv and the curves went.
//
//   dotnet run --project samples/FineTune -c Release -- DATASET [--format voc|coco|yolo] [--split trainval]
//       [--eval-split test | --eval-dataset PATH] [--weights yolox_nano.onnx] [--model nano] [--epochs 10]
//       [--batch 8] [--input-size 416] [--output runs/finetune] [--seed 0]
using System.Globalization;
using YoloX.Core;
using YoloX.Inference;
using YoloX.Training.Data;
using YoloX.Training.Engine;
using YoloX.Core.Runtime;

// libtorch logs a warning per small convolution on CPUs where NNPACK cannot start; keep the sample's output readable
// unless TORCH_CPP_LOG_LEVEL asks for libtorch's messages.
LibTorchLog.SetDefaultMinimumLevel(LibTorchLogLevel.Error);

if (args.Length == 0 || args[0].StartsWith("--", StringComparison.Ordinal) || args.Length % 2 == 0)
{
    Console.Error.WriteLine("usage: FineTune DATASET [--format voc|coco|yolo] [--split S] [--eval-split S | --eval-dataset PATH] " +
        "[--weights FILE|NAME] [--model nano|tiny|s|m|l|x] [--epochs N] [--batch N] [--input-size N] [--output DIR] [--seed N]");
    return 2;
}
var datasetPath = args[0];
var settings = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 1; i + 1 < args.Length; i += 2)
{
    settings[args[i]] = args[i + 1];
}
string Get(string key, string fallback) => settings.TryGetValue(key, out var v) ? v : fallback;
int GetInt(string key, int fallback) => settings.TryGetValue(key, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

var format = settings.TryGetValue("--format", out var f) ? Enum.Parse<DatasetFormat>(f, ignoreCase: true) : DatasetIO.Detect(datasetPath);
if (!YoloXConfig.TryParsePreset(Get("--model", "nano"), out var preset))
{
    Console.Error.WriteLine($"unknown model '{Get("--model", "nano")}'");
    return 2;
}
var weights = Get("--weights", "yolox_nano.onnx");
var epochs = GetInt("--epochs", 10);
var batch = GetInt("--batch", 8);
var inputSize = GetInt("--input-size", 416);
var output = Path.GetFullPath(Get("--output", Path.Combine("runs", "finetune")));

// VOC splits come from ImageSets/Main; COCO and YOLO folders are read whole (give the evaluation folder separately).
var trainSplit = format == DatasetFormat.Voc ? Get("--split", "trainval") : null;
var train = DatasetIO.Read(datasetPath, format, new DatasetReadOptions { Split = trainSplit }).WithoutZeroAreaBoxes(out var dropped);
DetectionDataset? evaluation = null;
if (settings.TryGetValue("--eval-dataset", out var evalPath))
{
    evaluation = DatasetIO.Read(evalPath, format, new DatasetReadOptions { ClassNames = train.ClassNames }).WithoutZeroAreaBoxes(out _);
}
else if (format == DatasetFormat.Voc)
{
    evaluation = DatasetIO.Read(datasetPath, format, new DatasetReadOptions { Split = Get("--eval-split", "test"), ClassNames = train.ClassNames })
        .WithoutZeroAreaBoxes(out _);
}
Console.WriteLine($"dataset {datasetPath} ({format}): {train.Images.Count} training images, {train.Annotations.Count} boxes " +
    $"({dropped} zero-area boxes dropped), classes: {string.Join(", ", train.ClassNames)}");
Console.WriteLine(evaluation is null ? "no evaluation split (give --eval-dataset)" : $"evaluation: {evaluation.Images.Count} images");

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The trainer stops at the next iteration and writes a resumable latest checkpoint.
    e.Cancel = true;
    cancel.Cancel();
};

var builder = YoloXBuilder.Create().WithModel(preset).WithWeights(weights)
    .ForTraining(train, r => r with
    {
        MaxEpoch = epochs,
        BatchSize = batch,
        WarmupEpochs = Math.Min(r.WarmupEpochs, Math.Max(0, epochs / 5)),
        NoAugEpochs = Math.Min(r.NoAugEpochs, Math.Max(0, epochs / 4)),
        InputSize = (inputSize, inputSize),
        TestSize = (inputSize, inputSize),
        RandomSize = null,
        MultiscaleRange = Math.Min(r.MultiscaleRange, 3),
        EvalInterval = Math.Max(1, epochs / 4),
        Seed = GetInt("--seed", 0),
    })
    .WithOptions(o => o with { OutputDirectory = output });
if (evaluation is not null)
{
    builder = builder.WithEvaluation(evaluation);
}
using var run = builder.BuildTrainer();
var result = run.Train(cancel.Token);

Console.WriteLine($"stopped: {result.Reason} after {result.Progress.Iteration} iterations; best AP50:95 {result.Progress.BestAp:F3}");
Console.WriteLine($"checkpoints:  {result.LatestCheckpoint}" + (File.Exists(result.BestCheckpoint) ? $", {result.BestCheckpoint}" : ""));
foreach (var name in new[] { "results.csv", "iterations.csv", "loss_curves.png", "lr_curve.png", "ap_curves.png" })
{
    var path = Path.Combine(result.OutputDirectory, name);
    if (File.Exists(path))
    {
        Console.WriteLine($"{name,-15} {path}");
    }
}
Console.WriteLine($"next: yolox eval --weights {(File.Exists(result.BestCheckpoint) ? result.BestCheckpoint : result.LatestCheckpoint)} --dataset {datasetPath}" +
    (format == DatasetFormat.Voc ? " --format voc --split test --voc" : ""));
return result.Reason == TrainingStopReason.Cancelled ? 130 : 0;
