using System.Runtime.InteropServices;

namespace YoloX.Training.Engine;

/// <summary>
/// Keeps glibc's allocator from handing large blocks back to the kernel after every training step. libtorch allocates
/// its activations and gradients with <c>malloc</c>; blocks above glibc's mmap threshold are mapped and unmapped each
/// time, so every step pays page faults and zeroing for tens of megabytes again. Measured side by side on the 2-core
/// build machine (docs/performance.md): the S b4@640 step went from ~4.0 s to ~1.7 s. The cost is that freed memory
/// stays in the process (resident size stays at the training peak), which a training process reuses every step anyway.
/// </summary>
/// <remarks>
/// Process-wide and idempotent. Only on Linux with glibc (<c>libc.so.6</c> exporting <c>mallopt</c>); elsewhere it
/// does nothing and says so. The trainer applies it unless <see cref="TrainerOptions.TuneNativeAllocator"/> is false.
/// </remarks>
public static class NativeAllocatorTuning
{
    /// <summary>glibc's <c>M_TRIM_THRESHOLD</c>.</summary>
    private const int TrimThreshold = -1;

    /// <summary>glibc's <c>M_MMAP_THRESHOLD</c>.</summary>
    private const int MmapThreshold = -3;

    /// <summary>The largest mmap threshold glibc accepts on 64-bit (<c>DEFAULT_MMAP_THRESHOLD_MAX</c>, 32 MiB).</summary>
    public const int MmapThresholdBytes = 32 * 1024 * 1024;

    private static readonly Lazy<string> Outcome = new(Apply, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// Applies the tuning once per process (later calls return the first outcome): blocks up to
    /// <see cref="MmapThresholdBytes"/> come from the heap instead of fresh mappings, and the heap top is not trimmed.
    /// </summary>
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
            return mmap == 1 && trim == 1
                ? $"glibc malloc tuned for training: mmap threshold {MmapThresholdBytes / 1048576} MiB, no heap trimming"
                : $"glibc malloc tuning refused (mallopt returned {mmap}, {trim}); allocator left as it is";
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
