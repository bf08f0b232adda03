// QuickStart: draws a synthetic shapes dataset in memory, trains YOLOX-Nano on it from scratch on the CPU, evaluates
// it (COCO AP), exports ONNX, detects with the TorchSharp and ONNX Runtime backends and saves an annotated PNG.
// No download, no shared files.
//
//   dotnet run --project samples/QuickStart -c Release [-- --output DIR] [--seed N] [--epochs N]
//   (recipe knobs: --input-size, --batch, --train-images, --lr-per-image)
using System.Globalization;
using QuickStart;
using YoloX.Core.Runtime;

// libtorch logs a warning per small convolution on CPUs where NNPACK cannot start; keep the sample's output readable
// unless TORCH_CPP_LOG_LEVEL asks for libtorch's messages.
LibTorchLog.SetDefaultMinimumLevel(LibTorchLogLevel.Error);

var options = new QuickStartOptions();
for (var i = 0; i + 1 < args.Length; i += 2)
{
    options = args[i] switch
    {
        "--output" => options with { OutputDirectory = args[i + 1] },
        "--seed" => options with { Seed = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
        "--epochs" => options with { Epochs = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
        "--input-size" => options with { InputSize = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
        "--batch" => options with { BatchSize = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
        "--train-images" => options with { TrainImages = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
        "--lr-per-image" => options with { LearningRatePerImage = double.Parse(args[i + 1], CultureInfo.InvariantCulture) },
        _ => throw new ArgumentException($"unknown option {args[i]} (expected --output, --seed, --epochs, --input-size, --batch, --train-images, --lr-per-image)"),
    };
}
if (args.Length % 2 != 0)
{
    Console.Error.WriteLine("usage: QuickStart [--output DIR] [--seed N] [--epochs N] [--input-size N] [--batch N] [--train-images N] [--lr-per-image X]");
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
QuickStartRun.Run(options, Console.Out, cancel.Token);
return 0;
