using System.Globalization;
using TorchSharp;
using YoloX.Core;
using YoloX.Training.Data;
using YoloX.Training.Distributed;
using YoloX.Training.Engine;
using YoloX.Training.Optimization;
using static TorchSharp.torch;

namespace YoloX.Training.MpiHost;

/// <summary>
/// The trainer's own <see cref="TrainingStep"/> (official SGD groups, train-mode BatchNorm) on MPI with the bucketed
/// averager: three steps, NaN images on the last rank at step 1. Every rank must skip step 1 and take the others, the
/// parameters must stay bit-identical across ranks after every step and unchanged by the skipped one. BatchNorm buffers
/// are compared only after <see cref="BatchNormStatistics.AllReduceMean"/>, since in train mode each rank's running
/// statistics follow its own batches.
/// </summary>
internal static class TrainingStepNanSkipScenario
{
    private const int PoisonedStep = 1;
    private const int InputSize = 128;

    public static void Run(IDistributedContext c, RankLog log)
    {
        using var scope = NewDisposeScope();
        var data = new Coco128Samples(3 * c.WorldSize, InputSize);
        random.manual_seed(0);
        using var model = YoloXModel.Create(YoloXPreset.Nano);
        ModelSynchronizer.BroadcastState(model, c);
        using var sgd = YoloXSgd.Create(model);
        var step = new TrainingStep(model, sgd, options: new TrainingStepOptions
        {
            Context = c,
            GradientAverager = new BucketedGradientAverager(c),
        });
        for (var k = 0; k < 3; k++)
        {
            using var s = NewDisposeScope();
            var (images, targets) = data.Batch(k * c.WorldSize + c.Rank, 1);
            var poisoned = k == PoisonedStep && c.Rank == c.WorldSize - 1;
            if (poisoned)
                images.fill_(float.NaN);
            var before = model.parameters().Select(p => p.detach().clone()).ToList();
            var result = step.Run(images, targets, learningRate: 0.01);
            var unchanged = model.parameters().Zip(before).All(x => x.First.detach().bytes.SequenceEqual(x.Second.bytes));
            log.Write($"TrainingStep {k}: {(poisoned ? "NaN images here, " : "")}" +
                $"{(result.Skipped ? "skipped" : "taken, loss " + result.Loss.Total.ToString("G6", CultureInfo.InvariantCulture))}");
            Check.Equal(k == PoisonedStep, result.Skipped, $"step {k} skipped on rank {c.Rank}");
            Check.Equal(result.Skipped, unchanged, $"parameters unchanged exactly when step {k} is skipped");
            Check.Equal(0L, ModelSynchronizer.CountMismatches(model, c, includeBuffers: false), $"parameters identical across ranks after step {k}");
        }
        var poisonedRanks = c.SumOverRanks(RunningStatisticsFinite(model) ? 0 : 1);
        log.Write($"ranks whose BatchNorm running statistics the skipped NaN forward made non-finite: {poisonedRanks}");
        var afterSteps = ModelState.Clone(model);

        // The official all_reduce_norm averages over every rank, so one poisoned rank spreads its NaN to all.
        BatchNormStatistics.AllReduceMean(model, c);
        Check.Equal(0L, ModelSynchronizer.CountMismatches(model, c), "whole state identical after BatchNorm averaging");
        log.Write($"official averaging: running statistics finite afterwards: {(RunningStatisticsFinite(model) ? "yes" : "NO")}");

        // Leaving non-finite ranks out gives every rank the healthy ranks' mean.
        ModelState.Load(model, afterSteps);
        BatchNormStatistics.AllReduceMean(model, c, excludeNonFiniteRanks: true);
        Check.Equal(0L, ModelSynchronizer.CountMismatches(model, c), "whole state identical after averaging without non-finite ranks");
        Check.True(RunningStatisticsFinite(model), "running statistics finite after averaging without non-finite ranks");
        log.Write("averaging without non-finite ranks: running statistics finite and identical on every rank");
    }

    private static bool RunningStatisticsFinite(nn.Module model)
    {
        using var scope = NewDisposeScope();
        return model.state_dict().Where(kv => kv.Key.Contains("running", StringComparison.Ordinal))
            .All(kv => kv.Value.isfinite().all().item<bool>());
    }
}
