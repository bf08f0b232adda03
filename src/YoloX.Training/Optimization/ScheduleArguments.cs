namespace YoloX.Training.Optimization;

internal static class ScheduleArguments
{
    public static void Check(double lr, long totalIterations)
    {
        if (!(lr >= 0) || !double.IsFinite(lr))
            throw new ArgumentOutOfRangeException(nameof(lr), lr, "The learning rate must be finite and non-negative.");
        ArgumentOutOfRangeException.ThrowIfLessThan(totalIterations, 1);
    }
}
