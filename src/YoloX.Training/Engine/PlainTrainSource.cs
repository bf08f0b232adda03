using YoloX.Inference.Processing;
using YoloX.Training.Data;
using YoloX.Training.Distributed;

namespace YoloX.Training.Engine;

/// <summary>
/// A training data source without augmentation: each epoch a seeded permutation of the dataset, sharded across ranks,
/// every image letterboxed as the official <c>preproc</c> (top-left, pad 114, BGR 0–255) and its boxes scaled,
/// boxes under 1 px dropped and padded to <c>max_labels</c> rows as the official <c>TrainTransform</c> does. The
/// augmenting loader of <c>Training/Data</c> is the one for real training; this one serves evaluation-like runs,
/// fine-tuning smoke tests and exact-resume checks.
/// </summary>
/// <remarks>
/// Batches are always full (the official infinite sampler): the last batch of an epoch wraps to the start of the
/// permutation. The stream is a pure function of (seed, epoch, batch, rank, world size).
/// </remarks>
public sealed class PlainTrainSource : ITrainDataSource
{
    private readonly DetectionDataset dataset;
    private readonly int seed;
    private readonly int maxLabels;
    private readonly IDistributedContext distributed;
    private readonly Dictionary<int, (float[] Image, float[] Boxes)>? cache;
    private bool mosaic = true;

    /// <summary>Creates the source.</summary>
    /// <param name="dataset">The images and boxes.</param>
    /// <param name="batchSize">Images per batch on each rank.</param>
    /// <param name="inputSize">(height, width), multiples of 32.</param>
    /// <param name="seed">Seed of the per-epoch permutation.</param>
    /// <param name="distributed">Ranks to shard over; single-process by default.</param>
    /// <param name="maxLabels">Target rows per image (the official 50).</param>
    /// <param name="cacheImages">Keep the letterboxed images in memory after the first epoch.</param>
    public PlainTrainSource(DetectionDataset dataset, int batchSize, (int Height, int Width) inputSize, int seed = 0,
        IDistributedContext? distributed = null, int maxLabels = 50, bool cacheImages = false)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (dataset.Images.Count == 0)
        {
            throw new ArgumentException("The dataset has no images to train on.", nameof(dataset));
        }
        if (batchSize <= 0 || maxLabels <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), "The batch size and max labels must be positive.");
        }
        if (inputSize.Height <= 0 || inputSize.Width <= 0 || inputSize.Height % 32 != 0 || inputSize.Width % 32 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(inputSize), $"The input size {inputSize.Height}×{inputSize.Width} must be positive multiples of 32.");
        }
        this.dataset = dataset;
        BatchSize = batchSize;
        InputSize = inputSize;
        this.seed = seed;
        this.maxLabels = maxLabels;
        this.distributed = distributed ?? SingleProcessContext.Instance;
        cache = cacheImages ? [] : null;
        var global = batchSize * this.distributed.WorldSize;
        BatchesPerEpoch = (dataset.Images.Count + global - 1) / global;
    }

    /// <inheritdoc />
    public int BatchesPerEpoch { get; }

    /// <inheritdoc />
    public int BatchSize { get; }

    /// <inheritdoc />
    public (int Height, int Width) InputSize { get; }

    /// <inheritdoc />
    public bool MosaicEnabled => mosaic;

    /// <inheritdoc />
    public void CloseMosaic() => mosaic = false;

    /// <inheritdoc />
    public IEnumerable<TrainBatch> ReadEpoch(int epoch, int startBatch = 0, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        ArgumentOutOfRangeException.ThrowIfNegative(startBatch);
        return Read(epoch, startBatch, cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose() => cache?.Clear();

    private IEnumerable<TrainBatch> Read(int epoch, int startBatch, CancellationToken cancellationToken)
    {
        var order = Permutation(epoch);
        for (var b = startBatch; b < BatchesPerEpoch; b++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return Load(order, b);
        }
    }

    /// <summary>A Fisher–Yates shuffle seeded by (seed, epoch): the same on every rank and every run.</summary>
    private int[] Permutation(int epoch)
    {
        var order = Enumerable.Range(0, dataset.Images.Count).ToArray();
        new Random(unchecked(seed * 100_003 + epoch * 7_919 + 17)).Shuffle(order);
        return order;
    }

    private TrainBatch Load(int[] order, int batch)
    {
        var (h, w) = InputSize;
        var plane = 3 * h * w;
        var images = new float[BatchSize * plane];
        var targets = new float[BatchSize * maxLabels * 5];
        var indices = new int[BatchSize];
        var first = (batch * distributed.WorldSize + distributed.Rank) * BatchSize;
        for (var i = 0; i < BatchSize; i++)
        {
            indices[i] = order[(first + i) % order.Length];
        }
        var loaded = new (float[] Image, float[] Boxes)[BatchSize];
        Parallel.For(0, BatchSize, i => loaded[i] = LoadImage(indices[i]));
        for (var i = 0; i < BatchSize; i++)
        {
            loaded[i].Image.CopyTo(images, i * plane);
            loaded[i].Boxes.AsSpan(0, Math.Min(loaded[i].Boxes.Length, maxLabels * 5)).CopyTo(targets.AsSpan(i * maxLabels * 5));
        }
        return new TrainBatch(images, targets, BatchSize, h, w, maxLabels, indices);
    }

    private (float[] Image, float[] Boxes) LoadImage(int index)
    {
        if (cache is not null)
        {
            lock (cache)
            {
                if (cache.TryGetValue(index, out var hit))
                {
                    return hit;
                }
            }
        }
        var (h, w) = InputSize;
        var image = dataset.Images[index];
        var chw = new float[3 * h * w];
        LetterboxInfo placed;
        using (var bitmap = ImageDecoder.Decode(image.FilePath))
        {
            placed = Letterbox.Fill(bitmap, chw, w, h);
        }
        var boxes = new List<float>();
        foreach (var a in dataset.AnnotationsOf(image.Id))
        {
            var r = placed.Ratio;
            var (bw, bh) = (a.Box.Width * r, a.Box.Height * r);
            if (Math.Min(bw, bh) <= 1)
            {
                continue; // the official TrainTransform keeps boxes with min(w, h) > 1 only
            }
            boxes.AddRange([a.ClassId, (float)((a.Box.X + a.Box.Width / 2) * r), (float)((a.Box.Y + a.Box.Height / 2) * r), (float)bw, (float)bh]);
        }
        var result = (chw, boxes.ToArray());
        if (cache is not null)
        {
            lock (cache)
            {
                cache[index] = result;
            }
        }
        return result;
    }
}
