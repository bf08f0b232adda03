using YoloX.Training.Augmentation;

namespace YoloX.Training.Data;

/// <summary>
/// One training batch as the data pipeline hands it to the trainer: host memory only, so worker threads never create
/// native tensors; the trainer copies it into tensors on its device.
/// </summary>
/// <remarks>
/// Layouts match the official trainer's: <see cref="Images"/> is <c>[B, 3, H, W]</c> float32 BGR in 0–255 (no
/// normalisation), <see cref="Targets"/> is <c>[B, MaxLabels, 5]</c> with rows (class, cx, cy, w, h) in input pixels,
/// zero rows as padding after the real boxes. The batches of <see cref="TrainDataLoader"/> hold pooled arrays:
/// <see cref="Dispose"/> hands them back for a later batch once they have been copied (the trainer does so after
/// each step); a batch that is never disposed is simply collected. A disposed batch's arrays must not be used.
/// </remarks>
public sealed class TrainBatch : IDisposable
{
    private float[]? _images;
    private float[]? _targets;
    private readonly bool _pooled;

    /// <summary>Wraps the arrays of one batch; their lengths must match the shape.</summary>
    public TrainBatch(float[] images, float[] targets, int batchSize, int height, int width, int maxLabels,
        int[] sampleIndices)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(sampleIndices);
        if (batchSize <= 0 || height <= 0 || width <= 0 || maxLabels <= 0)
            throw new ArgumentOutOfRangeException(nameof(batchSize), "Batch size, height, width and max labels must be positive.");
        if (images.Length != (long)batchSize * 3 * height * width)
            throw new ArgumentException($"Images hold {images.Length} values; [{batchSize},3,{height},{width}] needs {(long)batchSize * 3 * height * width}.", nameof(images));
        if (targets.Length != (long)batchSize * maxLabels * 5)
            throw new ArgumentException($"Targets hold {targets.Length} values; [{batchSize},{maxLabels},5] needs {(long)batchSize * maxLabels * 5}.", nameof(targets));
        if (sampleIndices.Length != batchSize)
            throw new ArgumentException("One sample index per image is needed.", nameof(sampleIndices));
        _images = images;
        _targets = targets;
        BatchSize = batchSize;
        Height = height;
        Width = width;
        MaxLabels = maxLabels;
        SampleIndices = sampleIndices;
    }

    // The loader's batches: arrays from BufferPool<float>, returned by Dispose.
    internal TrainBatch(float[] images, float[] targets, int batchSize, int height, int width, int maxLabels,
        int[] sampleIndices, bool pooled)
        : this(images, targets, batchSize, height, width, maxLabels, sampleIndices)
    {
        _pooled = pooled;
    }

    /// <summary><c>[B, 3, H, W]</c> float32, BGR, 0–255.</summary>
    /// <exception cref="ObjectDisposedException">The batch was disposed.</exception>
    public float[] Images => _images ?? throw Disposed();

    /// <summary><c>[B, MaxLabels, 5]</c>: class, cx, cy, w, h in input pixels; zero rows pad.</summary>
    /// <exception cref="ObjectDisposedException">The batch was disposed.</exception>
    public float[] Targets => _targets ?? throw Disposed();

    /// <summary>B.</summary>
    public int BatchSize { get; }

    /// <summary>H of every image in the batch.</summary>
    public int Height { get; }

    /// <summary>W of every image in the batch.</summary>
    public int Width { get; }

    /// <summary>Rows reserved per image in <see cref="Targets"/> (the official 50 plain, 120 after Mosaic).</summary>
    public int MaxLabels { get; }

    /// <summary>The dataset index of each image's primary sample (for logs and reproducibility checks).</summary>
    public int[] SampleIndices { get; }

    /// <summary>Ends the batch's use; a loader's batch hands its arrays back to the pool for a later batch.</summary>
    public void Dispose()
    {
        var images = Interlocked.Exchange(ref _images, null);
        var targets = Interlocked.Exchange(ref _targets, null);
        if (!_pooled)
            return;
        if (images is not null)
            BufferPool<float>.Return(images);
        if (targets is not null)
            BufferPool<float>.Return(targets);
    }

    private static ObjectDisposedException Disposed() =>
        new(nameof(TrainBatch), "The batch was disposed; its arrays went back to the data pipeline's pool.");
}
