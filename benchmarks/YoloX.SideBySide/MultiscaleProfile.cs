using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using YoloX.Core;
using YoloX.Training.Engine;
using YoloX.Training.Optimization;
using static TorchSharp.torch;

/// <summary>
/// "multiscale BLOCKS PER_BLOCK": the bare Nano b8 training step (+ EMA) with the input size redrawn from
/// (10..20)×32 every PER_BLOCK iterations, as the trainer's multiscale does; prints every iteration's time and, per
/// size, the mean of the first iteration after a switch and of the others (ms). Shows what a size switch costs.
/// </summary>
internal static class MultiscaleProfile
{
    public static void Run(int blocks, int perBlock)
    {
        NativeAllocatorTuning.EnsureApplied();
        torch.manual_seed(0);
        var model = YoloXModel.Create(YoloXPreset.Nano);
        model.train();
        var optimizer = YoloXSgd.Create(model);
        var ema = new ModelEma(model, 0.9998);
        var step = new TrainingStep(model, optimizer);
        var random = new Random(0);
        var first = new Dictionary<int, List<double>>();
        var rest = new Dictionary<int, List<double>>();
        var total = Stopwatch.StartNew();
        for (var b = 0; b < blocks; b++)
        {
            var size = 32 * random.Next(10, 21);
            using var generator = new torch.Generator((ulong)b);
            using var noise = torch.rand([8, 3, size, size], generator: generator);
            using var images = noise * 255;
            using var targets = SyntheticTargets.Create(8, size, seed: size);
            for (var i = 0; i < perBlock; i++)
            {
                var watch = Stopwatch.StartNew();
                step.Run(images, targets, 0.00125);
                ema.Update(model);
                var ms = watch.Elapsed.TotalMilliseconds;
                var into = i == 0 ? first : rest;
                if (!into.TryGetValue(size, out var list))
                    into[size] = list = [];
                list.Add(ms);
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"block {b} size {size} first {first[size][^1]:F0} ms"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"total {total.Elapsed.TotalSeconds:F1} s"));
        foreach (var size in first.Keys.Order())
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"size {size}: first n={first[size].Count} mean {first[size].Average():F0} ms, others mean {(rest.TryGetValue(size, out var r) ? r.Average() : double.NaN):F0} ms"));
    }
}
