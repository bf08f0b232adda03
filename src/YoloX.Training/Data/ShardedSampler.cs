using YoloX.Training.Augmentation;

namespace YoloX.Training.Data;

/// <summary>
/// The seeded, sharded order of one epoch: a permutation of the dataset drawn from (seed, epoch), cut into global
/// batches of <c>worldSize × batchSize</c>; rank r reads the r-th slice of each global batch. The ranks' slices
/// are disjoint positions of the same permutation, so together they read every image once per epoch (plus the
/// wrap-around padding of the last global batch when <c>dropLast</c> is false).
/// </summary>
public sealed class ShardedSampler
{
    /// <summary>Creates the sampler; throws when not one batch fits (only possible with <paramref name="dropLast"/>).</summary>
    public ShardedSampler(int datasetSize, int batchSize, long seed, int rank = 0, int worldSize = 1, bool dropLast = false)
    {
        if (datasetSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(datasetSize), datasetSize, "The dataset has no images.");
        if (batchSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be positive.");
        if (worldSize <= 0 || rank < 0 || rank >= worldSize)
            throw new ArgumentOutOfRangeException(nameof(rank), rank, $"Rank must be within 0..{worldSize - 1}.");
        DatasetSize = datasetSize;
        BatchSize = batchSize;
        Seed = seed;
        Rank = rank;
        WorldSize = worldSize;
        var global = (long)batchSize * worldSize;
        BatchesPerEpoch = (int)(dropLast ? datasetSize / global : (datasetSize + global - 1) / global);
        if (BatchesPerEpoch == 0)
            throw new ArgumentException($"{datasetSize} images do not fill one global batch of {global} (batch {batchSize} × {worldSize} ranks) with drop-last on.");
    }

    /// <summary>Images in the dataset.</summary>
    public int DatasetSize { get; }

    /// <summary>Images per batch on this rank.</summary>
    public int BatchSize { get; }

    /// <summary>The run seed.</summary>
    public long Seed { get; }

    /// <summary>This rank.</summary>
    public int Rank { get; }

    /// <summary>Ranks in the job.</summary>
    public int WorldSize { get; }

    /// <summary>Batches this rank reads per epoch (the same on every rank).</summary>
    public int BatchesPerEpoch { get; }

    /// <summary>The epoch's permutation of dataset indices (the same on every rank).</summary>
    public int[] Permutation(int epoch)
    {
        var order = new int[DatasetSize];
        for (var i = 0; i < order.Length; i++)
            order[i] = i;
        // Fisher–Yates from a stream that depends on (seed, epoch) only; position −1 keeps it apart from the
        // per-sample streams, which use positions ≥ 0.
        var random = SeededRandomSource.ForSample(Seed, epoch, -1);
        for (var i = order.Length - 1; i > 0; i--)
        {
            var j = random.RandInt(0, i);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    /// <summary>
    /// The global positions (index into the epoch's padded permutation) of this rank's batch
    /// <paramref name="batch"/>; the sample at position p is <c>permutation[p % DatasetSize]</c>.
    /// </summary>
    public long FirstPosition(int batch)
    {
        if (batch < 0 || batch >= BatchesPerEpoch)
            throw new ArgumentOutOfRangeException(nameof(batch), batch, $"Batch must be within 0..{BatchesPerEpoch - 1}.");
        return ((long)batch * WorldSize + Rank) * BatchSize;
    }
}
