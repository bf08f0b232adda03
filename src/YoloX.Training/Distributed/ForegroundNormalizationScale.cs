namespace YoloX.Training.Distributed;

/// <summary>The factor that turns a rank's per-rank-normalised YOLOX loss into the globally normalised one.</summary>
public static class ForegroundNormalizationScale
{
    /// <summary>
    /// The factor to multiply this rank's loss by (before backward) so that, after the gradients are averaged over the
    /// ranks, the result is the gradient of the whole global batch's loss divided by its foreground count:
    /// <c>max(n_r, 1) · W / max(Σ n, 1)</c>, where <c>n_r</c> is this rank's foreground anchor count and the loss
    /// divided by <c>max(n_r, 1)</c>. A collective: every rank must call it each step. 1 on a single process.
    /// </summary>
    /// <param name="context">The job.</param>
    /// <param name="localForegroundAnchors">This rank's foreground anchors in the step (<c>LossTerms.NumFgAnchors</c>).</param>
    /// <param name="mode">The normalisation; <see cref="ForegroundNormalization.PerRank"/> gives 1 without communicating.</param>
    public static double Compute(IDistributedContext context, long localForegroundAnchors,
        ForegroundNormalization mode = ForegroundNormalization.Global)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentOutOfRangeException.ThrowIfNegative(localForegroundAnchors);
        if (mode == ForegroundNormalization.PerRank || context.WorldSize == 1)
            return 1.0;
        var global = context.SumOverRanks(localForegroundAnchors);
        return Math.Max(localForegroundAnchors, 1) * (double)context.WorldSize / Math.Max(global, 1);
    }
}
