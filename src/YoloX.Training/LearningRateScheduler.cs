namespace YoloX.Training;

/// <summary>
/// The learning-rate schedules of the official <c>yolox/utils/lr_scheduler.py</c> (YAML names in brackets), plus a
/// constant rate.
/// </summary>
public enum LearningRateScheduler
{
    /// <summary>[<c>yoloxwarmcos</c>] Quadratic warm-up, cosine down to <c>min_lr_ratio·lr</c>, flat for the no-aug epochs (official default).</summary>
    YoloxWarmCos,

    /// <summary>[<c>warmcos</c>] Linear warm-up, then cosine to 0 over the remaining iterations.</summary>
    WarmCos,

    /// <summary>[<c>cos</c>] Cosine from lr to 0 over the whole run, no warm-up.</summary>
    Cos,

    /// <summary>[<c>multistep</c>] lr multiplied by <c>gamma</c> at each milestone epoch.</summary>
    MultiStep,

    /// <summary>[<c>constant</c>] The same lr at every iteration (not in the official code; for fine-tuning experiments).</summary>
    Constant,
}
