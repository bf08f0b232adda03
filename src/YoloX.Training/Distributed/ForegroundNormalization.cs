namespace YoloX.Training.Distributed;

/// <summary>
/// How the YOLOX loss is normalised across ranks. The loss divides by the number of foreground anchors, and with data
/// parallelism each rank only sees its own.
/// </summary>
public enum ForegroundNormalization
{
    /// <summary>
    /// Each rank divides by its own foreground count, and the gradients are averaged: what the official YOLOX does
    /// under DDP. The result differs from one process on the whole batch whenever the ranks' counts differ.
    /// </summary>
    PerRank,

    /// <summary>
    /// Each rank's loss is rescaled so it is divided by the foreground count of the whole global batch (see
    /// <see cref="ForegroundNormalizationScale"/>): the averaged gradient then equals one process's on the whole
    /// batch, up to float rounding. Costs one 8-byte all-reduce per step.
    /// </summary>
    Global,
}
