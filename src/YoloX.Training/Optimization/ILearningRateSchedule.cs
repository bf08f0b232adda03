namespace YoloX.Training.Optimization;

/// <summary>
/// A learning-rate schedule over global iterations (official <c>LRScheduler.update_lr</c>). The official loop runs
/// iteration k with <c>GetLearningRate(k)</c> (it sets <c>update_lr(k + 1)</c> after step k, and the optimiser's
/// initial lr equals <c>update_lr(0)</c>).
/// </summary>
public interface ILearningRateSchedule
{
    /// <summary>Iterations of the whole run (epochs × iterations per epoch).</summary>
    long TotalIterations { get; }

    /// <summary>The learning rate of global iteration <paramref name="iteration"/> (0-based).</summary>
    double GetLearningRate(long iteration);
}
