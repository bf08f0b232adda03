namespace YoloX.Training.Distributed;

/// <summary>Settings of <see cref="BucketedGradientAverager"/>.</summary>
public sealed record GradientBucketOptions
{
    /// <summary>The default bucket: 25 MiB, the size PyTorch DDP uses by default (<c>bucket_cap_mb=25</c>).</summary>
    public const long DefaultBucketSizeBytes = 25L * 1024 * 1024;

    /// <summary>
    /// Bytes per all-reduce. Larger buckets mean fewer, longer MPI calls (less per-call latency); smaller ones bound the
    /// host staging memory. Gradients are packed in order and a tensor larger than a bucket is split.
    /// </summary>
    public long BucketSizeBytes { get; init; } = DefaultBucketSizeBytes;

    /// <summary>The defaults.</summary>
    public static GradientBucketOptions Default { get; } = new();

    /// <summary>Checks the settings and returns them.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The bucket is smaller than 8 bytes or larger than 1 GiB.</exception>
    public GradientBucketOptions Validate()
    {
        if (BucketSizeBytes < sizeof(double) || BucketSizeBytes > 1L << 30)
            throw new ArgumentOutOfRangeException(nameof(BucketSizeBytes), BucketSizeBytes, "must be between 8 bytes and 1 GiB");
        return this;
    }
}
