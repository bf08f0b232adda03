namespace YoloX.Training.Distributed;

/// <summary>
/// The processes of a data-parallel training job: who this process is, and the few collectives the trainer needs.
/// The single-process default (<see cref="SingleProcessContext"/>) makes every collective a no-op, so the trainer is
/// written once, rank-aware, and an MPI (or another) implementation only adds a class.
/// </summary>
/// <remarks>
/// Collectives are blocking and must be called by every rank in the same order with buffers of the same length.
/// Implementations turn a failed collective into an exception; they never return partial data silently.
/// </remarks>
public interface IDistributedContext : IDisposable
{
    /// <summary>This process's rank in the job, 0 ≤ rank &lt; <see cref="WorldSize"/>.</summary>
    int Rank { get; }

    /// <summary>How many processes take part.</summary>
    int WorldSize { get; }

    /// <summary>This process's rank among the processes on its machine (picks the device on multi-GPU nodes).</summary>
    int LocalRank { get; }

    /// <summary>How many processes run on this machine.</summary>
    int LocalSize { get; }

    /// <summary>True on rank 0, the rank that logs, evaluates and writes checkpoints.</summary>
    bool IsMain { get; }

    /// <summary>Replaces each element with its sum over all ranks.</summary>
    void AllReduceSum(Span<float> buffer);

    /// <summary>Replaces each element with its sum over all ranks.</summary>
    void AllReduceSum(Span<double> buffer);

    /// <summary>Replaces each element with its sum over all ranks.</summary>
    void AllReduceSum(Span<long> buffer);

    /// <summary>Copies <paramref name="root"/>'s buffer into every other rank's.</summary>
    void Broadcast(Span<float> buffer, int root = 0);

    /// <summary>Copies <paramref name="root"/>'s buffer into every other rank's.</summary>
    void Broadcast(Span<double> buffer, int root = 0);

    /// <summary>Copies <paramref name="root"/>'s buffer into every other rank's.</summary>
    void Broadcast(Span<long> buffer, int root = 0);

    /// <summary>Copies <paramref name="root"/>'s buffer into every other rank's.</summary>
    void Broadcast(Span<byte> buffer, int root = 0);

    /// <summary>Returns once every rank has reached the barrier.</summary>
    void Barrier();
}
