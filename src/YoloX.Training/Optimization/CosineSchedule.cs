namespace YoloX.Training.Optimization;

/// <summary>The official <c>cos</c> schedule (<c>cos_lr</c>): cosine from <c>lr</c> to 0 over the run, no warm-up.</summary>
public sealed class CosineSchedule : ILearningRateSchedule
{
    private readonly double lr;

    /// <summary>Creates the schedule.</summary>
    public CosineSchedule(double lr, long totalIterations)
    {
        ScheduleArguments.Check(lr, totalIterations);
        this.lr = lr;
        TotalIterations = totalIterations;
    }

    /// <inheritdoc />
    public long TotalIterations { get; }

    /// <inheritdoc />
    public double GetLearningRate(long iteration) =>
        lr * (0.5 * (1.0 + Math.Cos(Math.PI * iteration / TotalIterations)));
}
