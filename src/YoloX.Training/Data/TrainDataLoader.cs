using System.Runtime.ExceptionServices;
using System.Collections.Concurrent;
using YoloX.Training.Augmentation;
using YoloX.Training.Distributed;

namespace YoloX.Training.Data;

/// <summary>
/// The training data stream: a seeded, sharded sampler over a <see cref="DetectionDataset"/> (COCO, VOC or YOLO),
/// the official augmentation pipeline (<see cref="MosaicDetection"/>), N worker threads and a bounded read-ahead.
/// </summary>
/// <remarks>
/// Every sample draws from its own random stream seeded by (seed, epoch, position in the epoch's permutation), so
/// the batches depend neither on the number of workers nor on their scheduling, nor on the number of ranks (each
/// rank reads its slice of the same global order). At most <see cref="TrainLoaderOptions.PrefetchBatches"/> batches
/// are in flight (built or being built) ahead of the reader. A sample that cannot be read (missing or corrupt image)
/// ends the epoch with that error (<see cref="FileNotFoundException"/>, <c>ImageDecodeException</c>), whatever the
/// number of workers.
/// </remarks>
public sealed class TrainDataLoader : ITrainDataSource
{
    private readonly DatasetSampleSource _samples;
    private readonly MosaicDetection _pipeline;
    private readonly ShardedSampler _sampler;
    private readonly TrainLoaderOptions _options;
    private volatile bool _mosaicEnabled = true;
    private int _peakInFlight;
    private bool _disposed;

    /// <summary>Creates the loader; nothing is decoded until <see cref="ReadEpoch"/>.</summary>
    /// <param name="dataset">The training images and boxes.</param>
    /// <param name="augmentation">The augmentation recipe (input size, probabilities, ranges, max labels).</param>
    /// <param name="options">Batch size, seed, workers, read-ahead, cache.</param>
    /// <param name="distributed">Rank and world size; <see cref="SingleProcessContext.Instance"/> when null.</param>
    /// <param name="extraAugmentations">User steps applied after Mosaic/MixUp (or to the plain image), before HSV, flip and letterbox.</param>
    public TrainDataLoader(
        DetectionDataset dataset, AugmentationOptions augmentation, TrainLoaderOptions options,
        IDistributedContext? distributed = null, IReadOnlyList<IAugmentation>? extraAugmentations = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(augmentation);
        ArgumentNullException.ThrowIfNull(options);
        augmentation.Validate();
        _options = options.Validate();
        distributed ??= SingleProcessContext.Instance;
        Augmentation = augmentation;
        _samples = new DatasetSampleSource(dataset, augmentation.InputSize, options.CacheImages);
        _pipeline = new MosaicDetection(augmentation, _samples, extraAugmentations);
        _sampler = new ShardedSampler(dataset.Images.Count, options.BatchSize, options.Seed,
            distributed.Rank, distributed.WorldSize, options.DropLast);
    }

    /// <summary>The augmentation recipe in force.</summary>
    public AugmentationOptions Augmentation { get; }

    /// <summary>The sampler (order and sharding of every epoch).</summary>
    public ShardedSampler Sampler => _sampler;

    /// <inheritdoc />
    public int BatchesPerEpoch => _sampler.BatchesPerEpoch;

    /// <inheritdoc />
    public int BatchSize => _options.BatchSize;

    /// <inheritdoc />
    public (int Height, int Width) InputSize => Augmentation.InputSize;

    /// <inheritdoc />
    public bool MosaicEnabled => _mosaicEnabled;

    /// <summary>Most batches that were in flight at once (built or being built, not yet handed out) so far.</summary>
    public int PeakBatchesInFlight => Volatile.Read(ref _peakInFlight);

    /// <inheritdoc />
    public void CloseMosaic() => _mosaicEnabled = false;

    /// <inheritdoc />
    public IEnumerable<TrainBatch> ReadEpoch(int epoch, int startBatch = 0, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        if (startBatch < 0 || startBatch > BatchesPerEpoch)
            throw new ArgumentOutOfRangeException(nameof(startBatch), startBatch, $"startBatch must be within 0..{BatchesPerEpoch}.");
        // The Mosaic switch is read once, so an epoch is uniform even if CloseMosaic is called while it runs.
        var plan = new EpochPlan(epoch, _sampler.Permutation(epoch), _mosaicEnabled);
        return _options.Workers == 0
            ? ReadSequential(plan, startBatch, cancellationToken)
            : ReadParallel(plan, startBatch, cancellationToken);
    }

    /// <summary>Builds one batch of an epoch directly (no workers): the reference the parallel reader must equal.</summary>
    public TrainBatch BuildBatch(int epoch, int batch) =>
        BuildBatch(new EpochPlan(epoch, _sampler.Permutation(epoch), _mosaicEnabled), batch);

    /// <inheritdoc />
    public void Dispose() => _disposed = true;

    private IEnumerable<TrainBatch> ReadSequential(EpochPlan plan, int startBatch, CancellationToken ct)
    {
        for (var b = startBatch; b < BatchesPerEpoch; b++)
        {
            ct.ThrowIfCancellationRequested();
            yield return BuildBatch(plan, b);
        }
    }

    private IEnumerable<TrainBatch> ReadParallel(EpochPlan plan, int startBatch, CancellationToken ct)
    {
        using var reader = new PrefetchReader(this, plan, startBatch, ct);
        for (var b = startBatch; b < BatchesPerEpoch; b++)
            yield return reader.Take(b);
    }

    private TrainBatch BuildBatch(EpochPlan plan, int batch)
    {
        var (h, w) = InputSize;
        var n = _options.BatchSize;
        var maxLabels = Augmentation.MaxLabels;
        // Both are overwritten whole below: every image's CHW block and every image's padded label rows.
        var images = BufferPool<float>.Rent(checked(n * 3 * h * w));
        var targets = BufferPool<float>.Rent(checked(n * maxLabels * 5));
        var indices = new int[n];
        var first = _sampler.FirstPosition(batch);
        for (var i = 0; i < n; i++)
        {
            var position = first + i;
            var index = plan.Permutation[(int)(position % plan.Permutation.Length)];
            indices[i] = index;
            var random = SeededRandomSource.ForSample(_options.Seed, plan.Epoch, position);
            var sample = _pipeline.Apply(index, random, plan.Mosaic);
            ImageLayout.ToChwFloat(sample.Image, images.AsSpan(i * 3 * h * w, 3 * h * w));
            sample.Image.Recycle();
            var rows = targets.AsSpan(i * maxLabels * 5, maxLabels * 5);
            sample.Labels.AsSpan().CopyTo(rows);
            rows[sample.Labels.Length..].Clear();
        }
        return new TrainBatch(images, targets, n, h, w, maxLabels, indices, pooled: true);
    }

    private sealed record EpochPlan(int Epoch, int[] Permutation, bool Mosaic);

    /// <summary>
    /// Workers take batch numbers in increasing order, each after acquiring one of <c>PrefetchBatches</c> slots; the
    /// reader frees a slot when it hands a batch out. The smallest batch not yet handed out is always held by a
    /// worker, so the reader never waits forever and no more than the slot count is ever in flight.
    /// </summary>
    private sealed class PrefetchReader : IDisposable
    {
        private readonly TrainDataLoader _owner;
        private readonly EpochPlan _plan;
        private readonly CancellationTokenSource _cts;
        private readonly SemaphoreSlim _slots;
        private readonly ConcurrentDictionary<int, TrainBatch> _done = new();
        private readonly SemaphoreSlim _finished = new(0);
        private readonly Thread[] _threads;
        private int _next;
        private int _inFlight;
        private volatile Exception? _error;

        public PrefetchReader(TrainDataLoader owner, EpochPlan plan, int startBatch, CancellationToken ct)
        {
            _owner = owner;
            _plan = plan;
            _cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            _slots = new SemaphoreSlim(owner._options.PrefetchBatches);
            _next = startBatch - 1;
            _threads = new Thread[Math.Min(owner._options.Workers, Math.Max(1, owner.BatchesPerEpoch - startBatch))];
            for (var i = 0; i < _threads.Length; i++)
            {
                _threads[i] = new Thread(Work) { IsBackground = true, Name = $"yolox-data-{i}" };
                _threads[i].Start();
            }
        }

        public TrainBatch Take(int batch)
        {
            while (true)
            {
                // The worker's own exception (e.g. FileNotFoundException, ImageDecodeException), with its stack, so
                // that callers see the same typed error as with Workers = 0.
                if (_error is { } error)
                    ExceptionDispatchInfo.Throw(error);
                if (_done.TryRemove(batch, out var result))
                {
                    Interlocked.Decrement(ref _inFlight);
                    _slots.Release();
                    return result;
                }
                _finished.Wait(_cts.Token);
            }
        }

        public void Dispose()
        {
            _cts.Cancel();
            foreach (var thread in _threads)
                thread.Join();
            _cts.Dispose();
            _slots.Dispose();
            _finished.Dispose();
        }

        private void Work()
        {
            try
            {
                while (true)
                {
                    _slots.Wait(_cts.Token);
                    var batch = Interlocked.Increment(ref _next);
                    if (batch >= _owner.BatchesPerEpoch)
                    {
                        _slots.Release();
                        return;
                    }
                    var inFlight = Interlocked.Increment(ref _inFlight);
                    UpdatePeak(inFlight);
                    _done[batch] = _owner.BuildBatch(_plan, batch);
                    _finished.Release();
                }
            }
            catch (OperationCanceledException) when (_cts.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                _error = e;
                _finished.Release();
            }
        }

        private void UpdatePeak(int value)
        {
            int peak;
            while (value > (peak = Volatile.Read(ref _owner._peakInFlight)) &&
                   Interlocked.CompareExchange(ref _owner._peakInFlight, value, peak) != peak)
            {
            }
        }
    }
}
