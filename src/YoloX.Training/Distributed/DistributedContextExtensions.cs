namespace YoloX.Training.Distributed;

/// <summary>Small agreements between ranks built on the <see cref="IDistributedContext"/> collectives.</summary>
public static class DistributedContextExtensions
{
    /// <summary>
    /// True on every rank when <paramref name="local"/> is true on every rank; false on every rank otherwise. The
    /// trainer uses it so that a non-finite loss on one rank makes all ranks skip the step together.
    /// </summary>
    public static bool AllRanksAgree(this IDistributedContext context, bool local)
    {
        ArgumentNullException.ThrowIfNull(context);
        Span<long> failures = [local ? 0 : 1];
        context.AllReduceSum(failures);
        return failures[0] == 0;
    }

    /// <summary>The sum of <paramref name="value"/> over the ranks.</summary>
    public static long SumOverRanks(this IDistributedContext context, long value)
    {
        ArgumentNullException.ThrowIfNull(context);
        Span<long> buffer = [value];
        context.AllReduceSum(buffer);
        return buffer[0];
    }

    /// <summary>The mean of <paramref name="value"/> over the ranks (e.g. a loss for logging).</summary>
    public static double MeanOverRanks(this IDistributedContext context, double value)
    {
        ArgumentNullException.ThrowIfNull(context);
        Span<double> buffer = [value];
        context.AllReduceSum(buffer);
        return buffer[0] / context.WorldSize;
    }

    /// <summary><paramref name="root"/>'s <paramref name="value"/> on every rank (e.g. the multiscale input size).</summary>
    public static long BroadcastValue(this IDistributedContext context, long value, int root = 0)
    {
        ArgumentNullException.ThrowIfNull(context);
        Span<long> buffer = [value];
        context.Broadcast(buffer, root);
        return buffer[0];
    }
}
