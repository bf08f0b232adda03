using Xunit;
using YoloX.Training.Optimization;

namespace YoloX.Training.Tests.Optimization;

/// <summary>
/// The non-default schedules against the official formulas of <c>yolox/utils/lr_scheduler.py</c>, evaluated by hand
/// at chosen points (no golden run exists for them; the yoloxwarmcos golden is in <see cref="TrainStepsGoldenTests"/>).
/// </summary>
public sealed class ScheduleTests
{
    [Fact]
    public void Official_300_epoch_recipe_warms_up_quadratically_then_cosines_to_5_percent_and_stays_flat()
    {
        var s = LearningRateSchedules.Create(TrainingRecipe.Default, iterationsPerEpoch: 100, totalBatchSize: 64);
        Assert.Equal(30_000, s.TotalIterations);
        Assert.Equal(0.0, s.GetLearningRate(0));
        Assert.Equal(0.01 * 0.25, s.GetLearningRate(250), 15);   // (250/500)^2
        Assert.Equal(0.01, s.GetLearningRate(500), 15);
        Assert.Equal(0.0005 + 0.5 * (0.01 - 0.0005), s.GetLearningRate(500 + 14_000), 15); // cosine midpoint
        Assert.Equal(0.0005, s.GetLearningRate(28_500), 15);
        Assert.Equal(0.0005, s.GetLearningRate(29_999), 15);
    }

    [Fact]
    public void Warmcos_is_linear_then_cosine_to_zero()
    {
        var s = new WarmCosSchedule(0.1, totalIterations: 100, warmupIterations: 10, warmupLrStart: 1e-6);
        Assert.Equal(1e-6, s.GetLearningRate(0), 15);
        Assert.Equal((0.1 - 1e-6) * 5 / 10.0 + 1e-6, s.GetLearningRate(5), 15);
        Assert.Equal(0.1 * 0.5 * (1 + Math.Cos(Math.PI * 45 / 90)), s.GetLearningRate(55), 15);
        Assert.Equal(0.0, s.GetLearningRate(100), 15);
    }

    [Fact]
    public void Cos_and_constant_follow_their_formulas()
    {
        var cos = new CosineSchedule(0.2, 40);
        Assert.Equal(0.2, cos.GetLearningRate(0), 15);
        Assert.Equal(0.1, cos.GetLearningRate(20), 15);
        Assert.Equal(0.0, cos.GetLearningRate(40), 15);
        Assert.Equal(0.3, new ConstantSchedule(0.3, 5).GetLearningRate(4));
    }

    [Fact]
    public void Multistep_converts_epoch_milestones_to_iterations_like_the_official_code()
    {
        var recipe = TrainingRecipe.Default with { Scheduler = LearningRateScheduler.MultiStep, Milestones = [2, 4], Gamma = 0.5, MaxEpoch = 6 };
        var s = (MultiStepSchedule)LearningRateSchedules.Create(recipe, iterationsPerEpoch: 3, totalBatchSize: 64);
        Assert.Equal([6L, 12L], s.MilestoneIterations);
        Assert.Equal(0.01, s.GetLearningRate(5), 15);
        Assert.Equal(0.005, s.GetLearningRate(6), 15);
        Assert.Equal(0.0025, s.GetLearningRate(17), 15);
    }

    [Fact]
    public void Yoloxwarmcos_with_warm_up_and_flat_tail_covering_the_run_never_reaches_the_cosine()
    {
        // Official code: iterations are either <= warm-up or >= total - no-aug, so its cosine division never runs.
        var s = new YoloXWarmCosSchedule(0.01, totalIterations: 10, warmupIterations: 5, warmupLrStart: 0, noAugIterations: 5, minLrRatio: 0.05);
        Assert.Equal(0.01, s.GetLearningRate(5), 15);
        Assert.Equal(0.0005, s.GetLearningRate(6), 15);
    }

    [Fact]
    public void Impossible_schedules_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineSchedule(double.NaN, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConstantSchedule(0.1, 0));
    }
}
