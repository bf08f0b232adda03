using YoloX.Training.Distributed;

namespace YoloX.Training.Data;

/// <summary>
/// Where the trainer gets its batches: a sampled, augmented, batched view of a dataset for one rank.
/// </summary>
/// <remarks>
/// The stream is a pure function of (seed, epoch, batch index, rank, world size): every random draw is seeded from
/// them, so worker scheduling never changes it, a resumed run can start mid-epoch by skipping batches, and each rank
/// of an <see cref="IDistributedContext"/> sees a distinct shard of the same global permutation.
/// </remarks>
public interface ITrainDataSource : IDisposable
{
    /// <summary>Batches this rank reads per epoch (the trainer's iterations per epoch).</summary>
    int BatchesPerEpoch { get; }

    /// <summary>Images per batch on this rank.</summary>
    int BatchSize { get; }

    /// <summary>The (height, width) of the images it produces before the trainer's multiscale resize.</summary>
    (int Height, int Width) InputSize { get; }

    /// <summary>False once <see cref="CloseMosaic"/> was called: Mosaic and MixUp are off (the no-aug phase).</summary>
    bool MosaicEnabled { get; }

    /// <summary>Turns Mosaic and MixUp off for the rest of training, like the official <c>close_mosaic</c>.</summary>
    void CloseMosaic();

    /// <summary>
    /// The batches of <paramref name="epoch"/> from <paramref name="startBatch"/> on (0 for a whole epoch; a resume
    /// passes the next unseen batch). Reading ahead on worker threads is the implementation's business.
    /// </summary>
    IEnumerable<TrainBatch> ReadEpoch(int epoch, int startBatch = 0, CancellationToken cancellationToken = default);
}
