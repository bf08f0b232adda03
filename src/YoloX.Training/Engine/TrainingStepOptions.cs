using YoloX.Training.Distributed;

namespace YoloX.Training.Engine;

/// <summary>Settings of <see cref="TrainingStep"/> beyond the model, optimiser and EMA.</summary>
public sealed record TrainingStepOptions
{
    /// <summary>The job's ranks (single process by default). With more than one rank, gradients are averaged and a non-finite loss on any rank skips the step on all.</summary>
    public IDistributedContext Context { get; init; } = SingleProcessContext.Instance;

    /// <summary>Averages gradients across ranks; required when <see cref="Context"/> has more than one rank.</summary>
    public IGradientAverager? GradientAverager { get; init; }

    /// <summary>
    /// How the loss is normalised by the foreground count across ranks: <see cref="ForegroundNormalization.PerRank"/>
    /// (each rank divides by its own count, the official DDP behaviour, the default) or
    /// <see cref="ForegroundNormalization.Global"/> (the averaged gradient equals one process's on the whole global
    /// batch; one 8-byte all-reduce per step). No effect on a single process.
    /// </summary>
    public ForegroundNormalization ForegroundNormalization { get; init; } = ForegroundNormalization.PerRank;

    /// <summary>Clip the global gradient L2 norm to this value (null: no clipping, the official behaviour).</summary>
    public double? GradClipNorm { get; init; }

    /// <summary>Measure the global gradient L2 norm every step (costs one pass over the gradients).</summary>
    public bool MeasureGradientNorm { get; init; }

    /// <summary>The defaults: one process, no clipping.</summary>
    public static TrainingStepOptions Default { get; } = new();
}
