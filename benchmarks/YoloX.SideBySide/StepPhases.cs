using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using YoloX.Core;
using YoloX.Core.Loss;
using YoloX.Training.Engine;
using YoloX.Training.Optimization;
using static TorchSharp.torch;

/// <summary>
/// "phases nano|s STEPS [VOC_ROOT]": where one training step's time goes — zero_grad, forward, SimOTA loss, backward,
/// SGD step, EMA update — timed separately over STEPS steps (after 5 warm-ups) on the timing script's synthetic batch,
/// or on the first Mosaic batch of a VOC dataset's trainval split; prints the median and minimum of each phase in ms.
/// The phases run the trainer's own parts (YoloXSgd, ModelEma) in its order. SBS_BN_EVAL=1 runs the batch norms in
/// eval mode (no batch statistics) to show what libtorch's training-mode statistics cost.
/// </summary>
internal static class StepPhases
{
    public static void Run(string scale, int steps, string? vocRoot = null)
    {
        Console.Error.WriteLine(NativeAllocatorTuning.EnsureApplied());
        var preset = scale == "nano" ? YoloXPreset.Nano : YoloXPreset.S;
        var (size, batch) = scale == "nano" ? (416, 8) : (640, 4);
        torch.manual_seed(0);
        using var model = YoloXModel.Create(preset);
        model.train();
        if (Environment.GetEnvironmentVariable("SBS_BN_EVAL") == "1")
            foreach (var m in model.modules().OfType<TorchSharp.Modules.BatchNorm2d>())
                m.eval();
        using var optimizer = YoloXSgd.Create(model);
        optimizer.SetLearningRate(0.01 / 64 * batch);
        using var ema = new ModelEma(model, 0.9998);
        var (images, targets) = vocRoot is null
            ? (torch.rand([batch, 3, size, size], generator: new torch.Generator(1)) * 255, SyntheticTargets.Create(batch, size, seed: 0))
            : RealBatch(vocRoot, batch);
        string[] names = ["zero_grad", "forward", "loss", "backward", "sgd", "ema", "total"];
        var times = names.Select(_ => new List<double>()).ToArray();
        for (var s = 0; s < steps + 5; s++)
        {
            var t = new double[names.Length];
            var watch = Stopwatch.StartNew();
            double Lap() { var v = watch.Elapsed.TotalMilliseconds; watch.Restart(); return v; }
            using (torch.NewDisposeScope())
            {
                optimizer.ZeroGrad(); t[0] = Lap();
                var levels = model.ForwardLevels(images); t[1] = Lap();
                using var terms = new YoloXLoss(model.NumClasses, model.Config.Strides).Compute(levels, targets);
                _ = terms.ToValues(); t[2] = Lap();
                terms.Total.backward(); t[3] = Lap();
                optimizer.Step(); t[4] = Lap();
                ema.Update(model); t[5] = Lap();
            }
            t[6] = t.Take(6).Sum();
            if (s >= 5)
                for (var i = 0; i < names.Length; i++)
                    times[i].Add(t[i]);
        }
        images.Dispose();
        targets.Dispose();
        foreach (var (name, list) in names.Zip(times))
        {
            list.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-10} median {list[list.Count / 2],8:F1} ms   min {list[0],8:F1} ms"));
        }
    }

    private static (Tensor Images, Tensor Targets) RealBatch(string root, int batch)
    {
        using var b = LoaderPhase.CreateLoader(root, batch).BuildBatch(1, 0);
        var images = torch.tensor(b.Images.ToArray(), [b.BatchSize, 3, b.Height, b.Width]);
        var targets = torch.tensor(b.Targets.ToArray(), [b.BatchSize, b.MaxLabels, 5]);
        Console.Error.WriteLine($"real batch: {(targets.select(2, 3) > 0).sum().item<long>()} boxes");
        return (images, targets);
    }
}
