using System.Globalization;
using TorchSharp;
using YoloX.Core;
using YoloX.Training.Distributed;
using static TorchSharp.torch;

namespace YoloX.Training.MpiHost;

/// <summary>
/// K training steps on W ranks at per-rank batch b versus one process at batch W·b on the same coco128 samples and the
/// same initial weights: the final weights must agree within 1e-5, and the ranks must be bit-identical after every
/// step. BatchNorm uses frozen running statistics (train-mode BN would normalise with per-rank batch statistics, which
/// no single-process run reproduces); the loss uses the global foreground normalisation (the official per-rank one
/// divides by each rank's own foreground count). The per-rank normalisation is then run too and its distance to the
/// single-process result reported (not asserted: it is expected to differ). Every run uses the trainer's own
/// TrainingStep (<see cref="RealTrainingStep"/>), with its ForegroundNormalization option.
/// </summary>
internal static class EquivalenceScenario
{
    private const int Steps = 3;
    private const int PerRankBatch = 2;
    private const int InputSize = 160;
    private const double Tolerance = 1e-5;

    public static void Run(IDistributedContext c, RankLog log)
    {
        using var scope = NewDisposeScope();
        var w = c.WorldSize;
        var data = new Coco128Samples(Steps * w * PerRankBatch, InputSize);

        torch.random.manual_seed(c.Rank); // deliberately different: the broadcast must make them equal
        using var model = YoloXModel.Create(YoloXPreset.Nano);
        ModelSynchronizer.BroadcastState(model, c);
        Check.Equal(0L, ModelSynchronizer.CountMismatches(model, c), "replicas identical after the initial broadcast");
        var initial = ModelState.Clone(model);

        var distributed = Train(model, c, data, ForegroundNormalization.Global, log);
        var perRank = TrainFrom(initial, c, data, ForegroundNormalization.PerRank, log);

        c.Barrier();
        if (c.IsMain)
        {
            // The single-process reference: the same initial weights, the whole global batch per step.
            using var reference = YoloXModel.Create(YoloXPreset.Nano);
            ModelState.Load(reference, initial);
            using (var step = new RealTrainingStep(reference, SingleProcessContext.Instance, ForegroundNormalization.PerRank))
            {
                for (var k = 0; k < Steps; k++)
                {
                    using var s = NewDisposeScope();
                    var (images, targets) = data.Batch(k * w * PerRankBatch, w * PerRankBatch);
                    var r = step.Step(images, targets) ?? throw new ScenarioFailedException("reference step skipped");
                    log.Write($"reference step {k}: loss {F(r.Total)}, fg {r.NumFgAnchors}");
                }
            }
            var diff = ModelState.MaxAbsDiff(reference, distributed);
            var perRankDiff = ModelState.MaxAbsDiff(reference, perRank);
            var moved = ModelState.MaxAbsDiff(reference, initial);
            log.Write($"max |weights(mpirun -n {w}, b={PerRankBatch}) - weights(1 process, b={w * PerRankBatch})| = {F(diff)} " +
                $"(tolerance {Tolerance}); training moved the weights by up to {F(moved)}");
            log.Write($"with the official per-rank foreground normalisation instead: max |diff| = {F(perRankDiff)} (expected to differ)");
            Check.True(moved > 1e-4, "the steps changed the weights (otherwise the comparison proves nothing)");
            Check.True(diff <= Tolerance, $"distributed and single-process weights agree within {Tolerance} (max |diff| {diff})");
        }
        c.Barrier();
    }

    private static Dictionary<string, Tensor> TrainFrom(Dictionary<string, Tensor> initial, IDistributedContext c,
        Coco128Samples data, ForegroundNormalization normalization, RankLog log)
    {
        using var model = YoloXModel.Create(YoloXPreset.Nano);
        ModelState.Load(model, initial);
        return Train(model, c, data, normalization, log);
    }

    private static Dictionary<string, Tensor> Train(YoloXModel model, IDistributedContext c, Coco128Samples data,
        ForegroundNormalization normalization, RankLog log)
    {
        var w = c.WorldSize;
        using var step = new RealTrainingStep(model, c, normalization);
        for (var k = 0; k < Steps; k++)
        {
            using var s = NewDisposeScope();
            var (images, targets) = data.Batch((k * w + c.Rank) * PerRankBatch, PerRankBatch);
            var r = step.Step(images, targets) ?? throw new ScenarioFailedException($"step {k} skipped");
            var mismatches = ModelSynchronizer.CountMismatches(model, c);
            log.Write($"{normalization} step {k}: local loss {F(r.Total)}, local fg {r.NumFgAnchors}, " +
                $"elements differing from rank 0: {mismatches}");
            Check.Equal(0L, mismatches, $"ranks bit-identical after step {k}");
        }
        var comm = step.Communication!;
        log.Write($"{normalization}: averaged {comm.Bytes} gradient bytes in {comm.Buckets} buckets over {comm.Calls} steps");
        return ModelState.Clone(model);
    }

    private static string F(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
