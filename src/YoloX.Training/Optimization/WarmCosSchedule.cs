namespace YoloX.Training.Optimization;

/// <summary>
/// The official <c>warmcos</c> schedule (<c>warm_cos_lr</c>): linear warm-up from <c>warmupLrStart</c> to
/// <c>lr</c>, then cosine from <c>lr</c> to 0 over the remaining iterations.
/// </summary>
public sealed class WarmCosSchedule : ILearningRateSchedule
{
    private readonly double lr;
    private readonly long warmupIterations;
    private readonly double warmupLrStart;

    /// <summary>Creates the schedule.</summary>
    public WarmCosSchedule(double lr, long totalIterations, long warmupIterations, double warmupLrStart)
    {
        ScheduleArguments.Check(lr, totalIterations);
        ArgumentOutOfRangeException.ThrowIfNegative(warmupIterations);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(warmupIterations, totalIterations);
        this.lr = lr;
        this.warmupIterations = warmupIterations;
        this.warmupLrStart = warmupLrStart;
        TotalIterations = totalIterations;
    }

    /// <inheritdoc />
    public long TotalIterations { get; }

    /// <inheritdoc />
    public double GetLearningRate(long iteration)
    {
        if (warmupIterations > 0 && iteration <= warmupIterations)
            return (lr - warmupLrStart) * iteration / (double)warmupIterations + warmupLrStart;
        return lr * (0.5 * (1.0 + Math.Cos(Math.PI * (iteration - warmupIterations) / (TotalIterations - warmupIterations))));
    }
}
