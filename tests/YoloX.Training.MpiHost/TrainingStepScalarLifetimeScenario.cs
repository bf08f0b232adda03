using YoloX.Core;
using YoloX.Testing;
using YoloX.Training.Distributed;
using YoloX.Training.Engine;
using YoloX.Training.Optimization;
using static TorchSharp.torch;

namespace YoloX.Training.MpiHost;

/// <summary>
/// The multi-rank parts of the trainer's <see cref="TrainingStep"/> leave no temporary TorchSharp Scalar to the
/// finalizer: the global-foreground loss scale (<see cref="ForegroundNormalization.Global"/>), the NaN agreement, the
/// bucketed gradient averaging, clipping, SGD and EMA, two steps on every rank. The single-process step is counted by
/// TrainingStepScalarLifetimeTests; this covers what only runs with more than one rank. The counter first proves it
/// sees the temporaries of <c>t.add(1.0)</c> on this rank.
/// </summary>
internal static class TrainingStepScalarLifetimeScenario
{
    private const int InputSize = 128;

    public static void Run(IDistributedContext c, RankLog log)
    {
        using var scope = NewDisposeScope();
        var data = new Coco128Samples(2 * c.WorldSize, InputSize);
        random.manual_seed(0);
        using var model = YoloXModel.Create(YoloXPreset.Nano);
        ModelSynchronizer.BroadcastState(model, c);
        using var sgd = YoloXSgd.Create(model);
        using var ema = new ModelEma(model);
        var step = new TrainingStep(model, sgd, ema, new TrainingStepOptions
        {
            Context = c,
            GradientAverager = new BucketedGradientAverager(c),
            ForegroundNormalization = ForegroundNormalization.Global,
            GradClipNorm = 10.0,
        }) { UseL1 = true };
        using var counter = new ScalarFinalizationCounter();
        log.Write($"control: t.add(1.0) left {counter.SelfCheck()} Scalars to the finalizer");
        for (var k = 0; k < 2; k++)
        {
            using var s = NewDisposeScope();
            var (images, targets) = data.Batch(k * c.WorldSize + c.Rank, 1);
            var result = step.Run(images, targets, learningRate: 0.01);
            Check.True(!result.Skipped, $"step {k} taken on rank {c.Rank}");
        }
        Check.Equal(0L, ModelSynchronizer.CountMismatches(model, c, includeBuffers: false), "parameters identical across ranks");
        var left = counter.Settle();
        log.Write($"Scalars left to the finalizer by two global-foreground steps: {left}");
        Check.Equal(0, left, $"Scalars finalized on rank {c.Rank}");
    }
}
