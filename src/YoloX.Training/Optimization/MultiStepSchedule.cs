namespace YoloX.Training.Optimization;

/// <summary>
/// The official <c>multistep</c> schedule (<c>multistep_lr</c>): <c>lr</c> multiplied by <c>gamma</c> once for every
/// milestone reached. Milestones are given in epochs and converted to iterations as the official code does
/// (<c>int(total_iters · m / total_epochs)</c>).
/// </summary>
public sealed class MultiStepSchedule : ILearningRateSchedule
{
    private readonly double lr;
    private readonly double gamma;
    private readonly long[] milestoneIterations;

    /// <summary>Creates the schedule.</summary>
    public MultiStepSchedule(double lr, long iterationsPerEpoch, int totalEpochs, IReadOnlyList<int> milestoneEpochs,
        double gamma = 0.1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(iterationsPerEpoch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(totalEpochs, 1);
        ArgumentNullException.ThrowIfNull(milestoneEpochs);
        TotalIterations = iterationsPerEpoch * totalEpochs;
        ScheduleArguments.Check(lr, TotalIterations);
        this.lr = lr;
        this.gamma = gamma;
        milestoneIterations = [.. milestoneEpochs.Select(m => (long)Math.Truncate(TotalIterations * (double)m / totalEpochs))];
    }

    /// <inheritdoc />
    public long TotalIterations { get; }

    /// <summary>The milestones in iterations.</summary>
    public IReadOnlyList<long> MilestoneIterations => milestoneIterations;

    /// <inheritdoc />
    public double GetLearningRate(long iteration)
    {
        var value = lr;
        foreach (var m in milestoneIterations)
            value *= iteration >= m ? gamma : 1.0; // one multiplication per milestone, as the official loop
        return value;
    }
}
