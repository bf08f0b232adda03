namespace YoloX.Training.Data;

/// <summary>
/// How <see cref="TrainDataLoader"/> samples, batches and reads ahead. Immutable; <see cref="Validate"/> checks it.
/// </summary>
public sealed record TrainLoaderOptions
{
    /// <summary>Images per batch on each rank (the official per-device batch size).</summary>
    public int BatchSize { get; init; } = 8;

    /// <summary>The run seed: with the epoch and a sample's position it fixes every random draw of the data stream.</summary>
    public long Seed { get; init; }

    /// <summary>Worker threads that build batches ahead of the trainer; 0 builds them on the reading thread.</summary>
    public int Workers { get; init; } = 2;

    /// <summary>
    /// Most batches finished or in progress ahead of the trainer (bounds memory: about
    /// <c>PrefetchBatches × BatchSize × 3 × H × W × 4</c> bytes plus one sample per worker).
    /// </summary>
    public int PrefetchBatches { get; init; } = 4;

    /// <summary>Keep every decoded, letterbox-resized image in RAM after its first use (official <c>cache_type="ram"</c>).</summary>
    public bool CacheImages { get; init; }

    /// <summary>
    /// Drop the last incomplete global batch of an epoch; otherwise the permutation is padded by wrapping around to
    /// its start, so every batch is full (the official infinite sampler never yields a short batch either).
    /// </summary>
    public bool DropLast { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid setting.</summary>
    public TrainLoaderOptions Validate()
    {
        if (BatchSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "The batch size must be positive.");
        if (Workers < 0 || Workers > 256)
            throw new ArgumentOutOfRangeException(nameof(Workers), Workers, "Workers must be within 0..256.");
        if (PrefetchBatches <= 0 || PrefetchBatches > 1024)
            throw new ArgumentOutOfRangeException(nameof(PrefetchBatches), PrefetchBatches, "PrefetchBatches must be within 1..1024.");
        return this;
    }
}
