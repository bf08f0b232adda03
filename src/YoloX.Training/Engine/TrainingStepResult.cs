using YoloX.Core.Loss;

namespace YoloX.Training.Engine;

/// <summary>What one <see cref="TrainingStep"/> did.</summary>
/// <param name="Loss">The loss terms of the forward pass (this rank's batch), as doubles.</param>
/// <param name="LearningRate">The learning rate the step used (all groups).</param>
/// <param name="Skipped">True when the loss was not finite on some rank: no backward, no update, no EMA update.</param>
/// <param name="GradientNorm">Global L2 norm of the raw gradients (after averaging, before clipping) when measured or clipped, else null.</param>
/// <param name="EmaUpdates">The EMA's update count after the step (0 without EMA).</param>
/// <param name="EmaDecay">The EMA decay used by this step's update (null without EMA or when skipped).</param>
public sealed record TrainingStepResult(
    LossValues Loss, double LearningRate, bool Skipped, double? GradientNorm, long EmaUpdates, double? EmaDecay);
