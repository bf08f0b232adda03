using YoloX.Core.Loss;

namespace YoloX.Training.Engine;

/// <summary>The outcome of one training iteration.</summary>
/// <param name="Loss">The loss terms of the batch (read to the host).</param>
/// <param name="Skipped">True when the loss was NaN/Inf (on any rank) and the update was not applied.</param>
public sealed record TrainingStepResult(LossValues Loss, bool Skipped);
