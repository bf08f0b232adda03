namespace YoloX.Training.Optimization;

/// <summary>
/// The official <c>yoloxwarmcos</c> schedule (<c>yolox_warm_cos_lr</c>): quadratic warm-up from
/// <c>warmupLrStart</c> to <c>lr</c> over the warm-up iterations, cosine from <c>lr</c> down to
/// <c>minLrRatio·lr</c>, flat at that minimum over the last <c>noAugIterations</c>.
/// </summary>
public sealed class YoloXWarmCosSchedule : ILearningRateSchedule
{
    private readonly double lr;
    private readonly double minLr;
    private readonly long warmupIterations;
    private readonly double warmupLrStart;
    private readonly long noAugIterations;

    /// <summary>Creates the schedule; iteration counts are epochs × iterations per epoch as in the official scheduler.</summary>
    public YoloXWarmCosSchedule(double lr, long totalIterations, long warmupIterations, double warmupLrStart,
        long noAugIterations, double minLrRatio)
    {
        ScheduleArguments.Check(lr, totalIterations);
        ArgumentOutOfRangeException.ThrowIfNegative(warmupIterations);
        ArgumentOutOfRangeException.ThrowIfNegative(noAugIterations);
        // warm-up + no-aug may cover the whole run (e.g. 20 epochs with 5 + 15): the cosine branch is then never
        // reached, exactly as in the official code, which never divides by the empty cosine length.
        this.lr = lr;
        minLr = lr * minLrRatio;
        this.warmupIterations = warmupIterations;
        this.warmupLrStart = warmupLrStart;
        this.noAugIterations = noAugIterations;
        TotalIterations = totalIterations;
    }

    /// <inheritdoc />
    public long TotalIterations { get; }

    /// <inheritdoc />
    public double GetLearningRate(long iteration)
    {
        // Same operations in the same order as the official Python, so the doubles agree to the last bit.
        if (warmupIterations > 0 && iteration <= warmupIterations)
            return (lr - warmupLrStart) * Math.Pow(iteration / (double)warmupIterations, 2) + warmupLrStart;
        if (iteration >= TotalIterations - noAugIterations)
            return minLr;
        return minLr + 0.5 * (lr - minLr) * (1.0 + Math.Cos(
            Math.PI * (iteration - warmupIterations) / (TotalIterations - warmupIterations - noAugIterations)));
    }
}
