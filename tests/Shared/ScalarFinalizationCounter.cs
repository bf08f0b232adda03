using System.Diagnostics.Tracing;
using System.Runtime.CompilerServices;
using TorchSharp;
using static TorchSharp.torch;

namespace YoloX.Testing;

/// <summary>
/// Counts the TorchSharp <see cref="Scalar"/>s that the garbage collector finalizes (instead of being disposed or
/// kept for the process), from the runtime's <c>FinalizeObject</c> events. Each is a temporary Scalar that TorchSharp
/// 0.107 did not keep alive during its native call, i.e. one that a collection at the wrong moment could have freed
/// while libtorch read it (see YoloX.Core's CachedScalars). Counting them is deterministic where provoking the race
/// is not. Only meaningful when no other test runs at the same time: use it in a collection with parallelization off.
/// </summary>
internal sealed class ScalarFinalizationCounter : EventListener
{
    private const string RuntimeSource = "Microsoft-Windows-DotNETRuntime";
    private const int FinalizeObjectEventId = 29;
    private const EventKeywords GcKeyword = (EventKeywords)0x1;

    // Field initializers run before the base constructor, which already calls OnEventSourceCreated.
    private readonly ulong scalarType = (ulong)typeof(Scalar).TypeHandle.Value;
    private readonly ulong sentinelType = (ulong)typeof(Sentinel).TypeHandle.Value;
    private int scalars;
    private int sentinels;

    /// <summary>
    /// Collects, finalizes and waits until the finalizations so far have been reported; returns the Scalars finalized
    /// since the previous call (or since the listener started) and starts a new count.
    /// </summary>
    /// <exception cref="TimeoutException">The runtime did not deliver the events within 30 s.</exception>
    public int Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        // A finalizable sentinel made and finalized after everything else: its event comes after theirs, since the
        // one finalizer thread has already finished those.
        var seen = Volatile.Read(ref sentinels);
        DropSentinel();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Volatile.Read(ref sentinels) == seen)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The runtime's FinalizeObject events did not arrive; the counter cannot count.");
            }
            Thread.Sleep(10);
        }
        return Interlocked.Exchange(ref scalars, 0);
    }

    /// <summary>
    /// Proves the counter sees temporary Scalars: an addition of a number (which makes two, the number and the alpha)
    /// must be counted. Returns the count (at least one, else it throws).
    /// </summary>
    public int SelfCheck()
    {
        Settle();
        MakeTemporaryScalars();
        var counted = Settle();
        if (counted < 1)
        {
            throw new InvalidOperationException("The counter saw no finalized Scalar after t.add(1.0); it cannot count.");
        }
        return counted;
    }

    /// <inheritdoc />
    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == RuntimeSource)
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    /// <inheritdoc />
    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventId != FinalizeObjectEventId || eventData.Payload is not { Count: > 0 } payload)
        {
            return;
        }
        var type = payload[0] switch
        {
            ulong u => u,
            long l => (ulong)l,
            IntPtr p => (ulong)p,
            UIntPtr p => (ulong)p,
            _ => 0UL,
        };
        if (type == scalarType)
        {
            Interlocked.Increment(ref scalars);
        }
        else if (type == sentinelType)
        {
            Interlocked.Increment(ref sentinels);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void DropSentinel() => _ = new Sentinel();

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void MakeTemporaryScalars()
    {
        using var t = torch.ones(1);
        t.add(1.0).Dispose();
    }

    private sealed class Sentinel
    {
        private static int finalized;

        // The finalizer exists for its FinalizeObject event; the count only gives it a body.
        ~Sentinel() => Interlocked.Increment(ref finalized);
    }
}
