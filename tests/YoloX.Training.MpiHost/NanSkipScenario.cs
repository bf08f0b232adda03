using System.Globalization;
using YoloX.Core;
using YoloX.Training.Distributed;
using static TorchSharp.torch;

namespace YoloX.Training.MpiHost;

/// <summary>
/// Three steps; at step 1 only the last rank's images are NaN, so only its loss is non-finite. Every rank must skip
/// step 1 (weights unchanged bit for bit) and take steps 0 and 2, and the ranks must stay identical.
/// </summary>
internal static class NanSkipScenario
{
    private const int PoisonedStep = 1;

    public static void Run(IDistributedContext c, RankLog log)
    {
        using var scope = NewDisposeScope();
        var data = new Coco128Samples(3 * c.WorldSize, 128);
        random.manual_seed(0);
        using var model = YoloXModel.Create(YoloXPreset.Nano);
        ModelSynchronizer.BroadcastState(model, c);
        using var step = new StandInTrainingStep(model, c, ForegroundNormalization.Global);
        for (var k = 0; k < 3; k++)
        {
            using var s = NewDisposeScope();
            var (images, targets) = data.Batch(k * c.WorldSize + c.Rank, 1);
            var poisoned = k == PoisonedStep && c.Rank == c.WorldSize - 1;
            if (poisoned)
                images.fill_(float.NaN);
            var before = ModelState.Clone(model);
            var result = step.Step(images, targets);
            var skipped = result is null;
            log.Write($"step {k}: {(poisoned ? "NaN images here, " : "")}{(skipped ? "skipped" : "taken, loss " + result!.Value.Loss.Total.ToString("G6", CultureInfo.InvariantCulture))}");
            Check.Equal(k == PoisonedStep, skipped, $"step {k} skipped on rank {c.Rank}");
            Check.Equal(skipped, ModelState.BitEqual(model, before), $"weights unchanged exactly when step {k} is skipped");
            Check.Equal(0L, ModelSynchronizer.CountMismatches(model, c), $"ranks identical after step {k}");
            // Every rank agrees on the outcome (a rank that took the step while another skipped would diverge).
            Check.Equal((long)c.WorldSize * (skipped ? 1 : 0), c.SumOverRanks(skipped ? 1 : 0), $"all ranks agree on step {k}");
        }
    }
}
