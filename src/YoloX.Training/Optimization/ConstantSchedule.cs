namespace YoloX.Training.Optimization;

/// <summary>The same learning rate at every iteration (not an official schedule; for fine-tuning experiments).</summary>
public sealed class ConstantSchedule : ILearningRateSchedule
{
    private readonly double lr;

    /// <summary>Creates the schedule.</summary>
    public ConstantSchedule(double lr, long totalIterations)
    {
        ScheduleArguments.Check(lr, totalIterations);
        this.lr = lr;
        TotalIterations = totalIterations;
    }

    /// <inheritdoc />
    public long TotalIterations { get; }

    /// <inheritdoc />
    public double GetLearningRate(long iteration) => lr;
}
