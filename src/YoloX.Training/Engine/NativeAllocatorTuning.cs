using System.Runtime.InteropServices;

namespace YoloX.Training.Engine;

/// <summary>
/// Keeps glibc's allocator from handing large blocks back to the kernel after every training step. libtorch allocates
/// its activations and gradients with <c>malloc</c>; blocks served by their own mapping are unmapped when freed, so
/// every step pays page faults and zeroing for tens of megabytes again. Measured on the 2-core build machine
/// (docs/performance.md): the S b4@640 step went from ~4.0 s to ~1.7 s with the 32 MiB mmap threshold, and one BCCD
/// epoch of the Nano recipe (sizes up to 640) from 76–97 s to a mean of 58 s once no block is mapped on its own, and of
/// 50 s once the top pad keeps glibc from deleting emptied secondary heaps (seven interleaved runs each). The cost is
/// that freed memory stays in the process (resident size stays at the training peak), which a training process reuses
/// every step anyway.
/// </summary>
/// <remarks>
/// Process-wide and idempotent. Only on Linux with glibc (<c>libc.so.6</c> exporting <c>mallopt</c>); elsewhere it
/// does nothing and says so. The trainer applies it unless <see cref="TrainerOptions.TuneNativeAllocator"/> is false.
/// </remarks>
public static class NativeAllocatorTuning
{
    /// <summary>glibc's <c>M_TRIM_THRESHOLD</c>.</summary>
    private const int TrimThreshold = -1;

    /// <summary>glibc's <c>M_TOP_PAD</c>.</summary>
    private const int TopPad = -2;

    /// <summary>glibc's <c>M_MMAP_THRESHOLD</c>.</summary>
    private const int MmapThreshold = -3;

    /// <summary>glibc's <c>M_MMAP_MAX</c>: how many blocks may have their own mapping at once.</summary>
    private const int MmapMax = -4;

    /// <summary>The largest mmap threshold glibc accepts on 64-bit (<c>DEFAULT_MMAP_THRESHOLD_MAX</c>, 32 MiB).</summary>
    public const int MmapThresholdBytes = 32 * 1024 * 1024;

    /// <summary>
    /// The top pad: more than a secondary arena's 64 MiB heap, so glibc never deletes a heap that became empty (its
    /// <c>heap_trim</c> keeps a heap while the free space is below the top pad, whatever the trim threshold).
    /// </summary>
    public const int TopPadBytes = 128 * 1024 * 1024;

    private static readonly Lazy<string> Outcome = new(Apply, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// Applies the tuning once per process (later calls return the first outcome): blocks come from the heap instead of
    /// fresh mappings (the threshold raised to <see cref="MmapThresholdBytes"/>, and no block mapped on its own, since
    /// Nano b8@640 alone has 52 MB activations above any threshold glibc accepts), the heap top is not trimmed, and
    /// emptied heaps are kept (<see cref="TopPadBytes"/>).
    /// </summary>
    /// <remarks>
    /// A thread whose allocations go to one of glibc's secondary arenas (the trainer's thread usually does) still gets a
    /// mapping for a block larger than such an arena's 64 MiB heaps: glibc falls back to it whatever the limit, so the
    /// tuning never makes an allocation fail.
    /// </remarks>
    /// <returns>One line saying what was done, for the training log.</returns>
    public static string EnsureApplied() => Outcome.Value;

    private static string Apply()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "native allocator left as it is (not Linux)";
        }
        try
        {
            var mmap = NativeMethods.mallopt(MmapThreshold, MmapThresholdBytes);
            var trim = NativeMethods.mallopt(TrimThreshold, int.MaxValue);
            var mapped = NativeMethods.mallopt(MmapMax, 0);
            var pad = NativeMethods.mallopt(TopPad, TopPadBytes);
            return mmap == 1 && trim == 1 && mapped == 1 && pad == 1
                ? $"glibc malloc tuned for training: mmap threshold {MmapThresholdBytes / 1048576} MiB, no mapped blocks, " +
                  $"top pad {TopPadBytes / 1048576} MiB, no heap trimming"
                : $"glibc malloc tuning refused (mallopt returned {mmap}, {trim}, {mapped}, {pad}); allocator left as it is";
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return "native allocator left as it is (no glibc mallopt: " + e.GetType().Name + ")";
        }
    }

    private static class NativeMethods
    {
        [DllImport("libc.so.6", ExactSpelling = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int mallopt(int param, int value);
    }
}
