namespace YoloX.Training.Distributed;

/// <summary>
/// The default <see cref="IDistributedContext"/>: one process, rank 0 of 1. Sums and broadcasts over one rank leave
/// the buffer as it is, so every collective is a no-op.
/// </summary>
public sealed class SingleProcessContext : IDistributedContext
{
    /// <summary>The shared instance (it holds no resources).</summary>
    public static SingleProcessContext Instance { get; } = new();

    /// <inheritdoc />
    public int Rank => 0;

    /// <inheritdoc />
    public int WorldSize => 1;

    /// <inheritdoc />
    public int LocalRank => 0;

    /// <inheritdoc />
    public int LocalSize => 1;

    /// <inheritdoc />
    public bool IsMain => true;

    /// <inheritdoc />
    public void AllReduceSum(Span<float> buffer) { }

    /// <inheritdoc />
    public void AllReduceSum(Span<double> buffer) { }

    /// <inheritdoc />
    public void AllReduceSum(Span<long> buffer) { }

    /// <inheritdoc />
    public void Broadcast(Span<float> buffer, int root = 0) => CheckRoot(root);

    /// <inheritdoc />
    public void Broadcast(Span<double> buffer, int root = 0) => CheckRoot(root);

    /// <inheritdoc />
    public void Broadcast(Span<long> buffer, int root = 0) => CheckRoot(root);

    /// <inheritdoc />
    public void Broadcast(Span<byte> buffer, int root = 0) => CheckRoot(root);

    /// <inheritdoc />
    public void Barrier() { }

    /// <summary>Nothing to release.</summary>
    public void Dispose() { }

    private static void CheckRoot(int root)
    {
        if (root != 0)
            throw new ArgumentOutOfRangeException(nameof(root), root, "A single-process job has only rank 0.");
    }
}
