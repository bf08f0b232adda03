using YoloX.Inference.Backends;

namespace YoloX.Inference.Tests;

/// <summary>
/// A test backend that returns given rows for every image and records contract violations: a <see cref="Run"/> that
/// starts after or overlaps <see cref="Dispose"/>, and a second release of the (pretend) native resources. It stands
/// in for a native session only in tests of the detector's own logic (gating, post-processing of odd outputs).
/// </summary>
internal sealed class ProbeBackend(float[] rows, int classCount, bool decoded = true, int size = 32) : IInferenceBackend
{
    private int _running;
    private int _released;

    public ModelDescription Model { get; } = new("probe", "probe", size, size, int.MaxValue, false,
        rows.Length / (5 + classCount), classCount, decoded, null);

    /// <summary>Runs that began after the release or were still running when it happened.</summary>
    public int Violations;

    /// <summary>How often the resources were released.</summary>
    public int Releases => Volatile.Read(ref _released);

    /// <summary>Busy time of each run, to widen the window in which a release could overlap it.</summary>
    public TimeSpan RunTime { get; init; } = TimeSpan.Zero;

    public void Run(ReadOnlyMemory<float> input, int batchSize, Memory<float> output, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _running);
        try
        {
            if (Volatile.Read(ref _released) != 0)
            {
                Interlocked.Increment(ref Violations);
            }
            if (RunTime > TimeSpan.Zero)
            {
                var until = DateTime.UtcNow + RunTime;
                SpinWait.SpinUntil(() => DateTime.UtcNow >= until);
            }
            for (var b = 0; b < batchSize; b++)
            {
                rows.CopyTo(output.Span.Slice(b * rows.Length, rows.Length));
            }
            if (Volatile.Read(ref _released) != 0)
            {
                Interlocked.Increment(ref Violations);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    public void Dispose()
    {
        Interlocked.Increment(ref _released);
        if (Volatile.Read(ref _running) != 0)
        {
            Interlocked.Increment(ref Violations);
        }
    }
}
