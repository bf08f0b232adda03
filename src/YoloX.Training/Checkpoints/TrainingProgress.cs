namespace YoloX.Training.Checkpoints;

/// <summary>
/// Where a training run stands: everything besides tensors that a resume needs to continue exactly. The data stream
/// and the multiscale draws are pure functions of the seed and these counters, so they are the whole RNG state.
/// </summary>
/// <param name="Epoch">The epoch to run next (0-based); equals the max epoch when training finished.</param>
/// <param name="BatchInEpoch">The next batch of <paramref name="Epoch"/> (0 unless the run stopped mid-epoch).</param>
/// <param name="Iteration">Iterations completed over the whole run (the schedule's step counter).</param>
/// <param name="EmaUpdates">EMA updates so far (drives the EMA decay ramp).</param>
/// <param name="BestAp">Best COCO AP50:95 of the evaluated (EMA) model so far; -1 before any evaluation.</param>
/// <param name="LastAp">AP50:95 of the latest evaluation; -1 before any evaluation.</param>
/// <param name="InputHeight">Multiscale input height in force.</param>
/// <param name="InputWidth">Multiscale input width in force.</param>
/// <param name="Seed">The run's seed.</param>
/// <param name="EpochsWithoutImprovement">Evaluations since the best AP last improved (early stopping).</param>
/// <param name="TrainingSeconds">Wall time spent training so far (time budget; across resumes).</param>
public sealed record TrainingProgress(
    int Epoch, int BatchInEpoch, long Iteration, long EmaUpdates, double BestAp, double LastAp,
    int InputHeight, int InputWidth, int Seed, int EpochsWithoutImprovement = 0, double TrainingSeconds = 0)
{
    /// <summary>The state before the first iteration.</summary>
    public static TrainingProgress Start(int seed, int inputHeight, int inputWidth) =>
        new(0, 0, 0, 0, -1, -1, inputHeight, inputWidth, seed);
}
