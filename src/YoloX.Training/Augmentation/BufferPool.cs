using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace YoloX.Training.Augmentation;

/// <summary>
/// Large arrays the data pipeline hands back when it is done with them — an intermediate image (a decoded file
/// after its resize, a Mosaic tile after its copy onto the canvas, the canvas after the affine warp, …) or a batch
/// the trainer has copied into tensors — so the next sample reuses memory that is already mapped and faulted in.
/// Without it every sample allocated 4–6 fresh large-object arrays and every batch two more, and on this project's
/// machines a sixth of the augmentation's cycles went to the kernel's page-fault path (docs/performance.md,
/// "Training augmentation pipeline"). Arrays are keyed by exact length, because <see cref="BgrImage.Data"/> and
/// <c>TrainBatch.Images</c> are exactly as long as their shape. Bounded: at most <see cref="MaxPerLength"/> arrays
/// per length and <see cref="MaxTotalBytes"/> per element type; a returned array past the first bound is left to
/// the garbage collector, and one that would pass the second empties the pool, so a dataset of many image sizes
/// cannot pin memory for sizes it no longer visits. Thread-safe.
/// </summary>
/// <typeparam name="T">The element type (bytes for images, floats for batches).</typeparam>
internal static class BufferPool<T>
    where T : unmanaged
{
    /// <summary>Most arrays kept per length (a few per loader worker and stage).</summary>
    public const int MaxPerLength = 16;

    /// <summary>Most bytes kept in all for this element type.</summary>
    public const long MaxTotalBytes = 256L << 20;

    private static readonly ConcurrentDictionary<int, Bucket> Buckets = new();
    private static long _totalBytes;

    /// <summary>Bytes held right now.</summary>
    public static long TotalBytes => Interlocked.Read(ref _totalBytes);

    /// <summary>An array of exactly <paramref name="length"/> elements with unspecified contents.</summary>
    public static T[] Rent(int length)
    {
        if (Buckets.TryGetValue(length, out var bucket) && bucket.TryTake(out var array))
        {
            Interlocked.Add(ref _totalBytes, -Bytes(array));
            return array;
        }
        return GC.AllocateUninitializedArray<T>(length);
    }

    /// <summary>Keeps <paramref name="array"/> for a later <see cref="Rent"/>; the caller must not touch it again.</summary>
    public static void Return(T[] array)
    {
        var bucket = Buckets.GetOrAdd(array.Length, static _ => new Bucket());
        if (Interlocked.Add(ref _totalBytes, Bytes(array)) > MaxTotalBytes)
        {
            Interlocked.Add(ref _totalBytes, -Bytes(array));
            Clear();
            return;
        }
        if (!bucket.TryAdd(array))
            Interlocked.Add(ref _totalBytes, -Bytes(array));
    }

    /// <summary>Drops every pooled array (the garbage collector reclaims them).</summary>
    public static void Clear()
    {
        foreach (var bucket in Buckets.Values)
        {
            while (bucket.TryTake(out var array))
                Interlocked.Add(ref _totalBytes, -Bytes(array));
        }
    }

    private static long Bytes(T[] array) => (long)array.Length * Unsafe.SizeOf<T>();

    // ConcurrentBag keeps a list per thread (a worker mostly gets back its own arrays, still in its cache); its Count
    // locks every list, so the bound is kept in a counter of our own.
    private sealed class Bucket
    {
        private readonly ConcurrentBag<T[]> _arrays = [];
        private int _count;

        public bool TryTake(out T[] array)
        {
            if (!_arrays.TryTake(out array!))
                return false;
            Interlocked.Decrement(ref _count);
            return true;
        }

        public bool TryAdd(T[] array)
        {
            if (Interlocked.Increment(ref _count) > MaxPerLength)
            {
                Interlocked.Decrement(ref _count);
                return false;
            }
            _arrays.Add(array);
            return true;
        }
    }
}
