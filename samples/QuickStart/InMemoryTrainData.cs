using YoloX.Training.Augmentation;
using YoloX.Training.Data;

namespace QuickStart;

/// <summary>
/// An <see cref="ITrainDataSource"/> over images held in memory: the library's seeded sampler and official
/// augmentation pipeline (<see cref="MosaicDetection"/>), the images of one batch built in parallel.
/// </summary>
/// <remarks>
/// Like the library's <c>TrainDataLoader</c>, every sample draws from a random stream seeded by (seed, epoch,
/// position), so the batches do not depend on thread scheduling.
/// </remarks>
public sealed class InMemoryTrainData : ITrainDataSource
{
    private readonly MosaicDetection pipeline;
    private readonly ShardedSampler sampler;
    private readonly AugmentationOptions augmentation;
    private readonly long seed;
    private volatile bool mosaicEnabled = true;

    /// <summary>Creates the source.</summary>
    public InMemoryTrainData(IDetectionSampleSource samples, AugmentationOptions augmentation, int batchSize, long seed)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(augmentation);
        this.augmentation = augmentation.Validate();
        this.seed = seed;
        pipeline = new MosaicDetection(augmentation, samples);
        sampler = new ShardedSampler(samples.Count, batchSize, seed);
    }

    /// <inheritdoc />
    public int BatchesPerEpoch => sampler.BatchesPerEpoch;

    /// <inheritdoc />
    public int BatchSize => sampler.BatchSize;

    /// <inheritdoc />
    public (int Height, int Width) InputSize => augmentation.InputSize;

    /// <inheritdoc />
    public bool MosaicEnabled => mosaicEnabled;

    /// <inheritdoc />
    public void CloseMosaic() => mosaicEnabled = false;

    /// <inheritdoc />
    public IEnumerable<TrainBatch> ReadEpoch(int epoch, int startBatch = 0, CancellationToken cancellationToken = default)
    {
        var permutation = sampler.Permutation(epoch);
        var mosaic = mosaicEnabled;
        for (var b = startBatch; b < BatchesPerEpoch; b++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return BuildBatch(permutation, epoch, b, mosaic);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // Nothing native: the images are managed arrays.
    }

    private TrainBatch BuildBatch(int[] permutation, int epoch, int batch, bool mosaic)
    {
        var (h, w) = InputSize;
        var n = BatchSize;
        var maxLabels = augmentation.MaxLabels;
        var images = new float[(long)n * 3 * h * w];
        var targets = new float[(long)n * maxLabels * 5];
        var indices = new int[n];
        var first = sampler.FirstPosition(batch);
        Parallel.For(0, n, i =>
        {
            var position = first + i;
            var index = permutation[(int)(position % permutation.Length)];
            indices[i] = index;
            var sample = pipeline.Apply(index, SeededRandomSource.ForSample(seed, epoch, position), mosaic);
            ImageLayout.ToChwFloat(sample.Image, images.AsSpan(i * 3 * h * w, 3 * h * w));
            sample.Labels.AsSpan().CopyTo(targets.AsSpan(i * maxLabels * 5, maxLabels * 5));
        });
        return new TrainBatch(images, targets, n, h, w, maxLabels, indices);
    }
}
