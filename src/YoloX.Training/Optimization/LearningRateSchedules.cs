namespace YoloX.Training.Optimization;

/// <summary>Builds the schedule a recipe names (official <c>Exp.get_lr_scheduler</c>).</summary>
public static class LearningRateSchedules
{
    /// <summary>
    /// The schedule of <paramref name="recipe"/> for a run of <paramref name="iterationsPerEpoch"/> iterations per
    /// epoch with base lr <c>basic_lr_per_img × totalBatchSize</c> (total over all ranks, as the official <c>-b</c>).
    /// </summary>
    public static ILearningRateSchedule Create(TrainingRecipe recipe, int iterationsPerEpoch, int totalBatchSize)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterationsPerEpoch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(totalBatchSize, 1);
        var lr = recipe.BaseLearningRate(totalBatchSize);
        long perEpoch = iterationsPerEpoch;
        var total = perEpoch * recipe.MaxEpoch;
        return recipe.Scheduler switch
        {
            LearningRateScheduler.YoloxWarmCos => new YoloXWarmCosSchedule(lr, total, perEpoch * recipe.WarmupEpochs,
                recipe.WarmupLr, perEpoch * recipe.NoAugEpochs, recipe.MinLrRatio),
            LearningRateScheduler.WarmCos => new WarmCosSchedule(lr, total, perEpoch * recipe.WarmupEpochs, recipe.WarmupLr),
            LearningRateScheduler.Cos => new CosineSchedule(lr, total),
            LearningRateScheduler.MultiStep => new MultiStepSchedule(lr, perEpoch, recipe.MaxEpoch, recipe.Milestones, recipe.Gamma),
            LearningRateScheduler.Constant => new ConstantSchedule(lr, total),
            _ => throw new ArgumentOutOfRangeException(nameof(recipe), recipe.Scheduler, "Unknown schedule."),
        };
    }
}
