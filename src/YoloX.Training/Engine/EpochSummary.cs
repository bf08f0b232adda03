namespace YoloX.Training.Engine;

/// <summary>One epoch as results.csv records it.</summary>
/// <param name="Epoch">0-based epoch.</param>
/// <param name="TotalLoss">Mean total loss over the epoch's finite steps.</param>
/// <param name="IoULoss">Mean IoU loss.</param>
/// <param name="L1Loss">Mean L1 loss.</param>
/// <param name="ConfLoss">Mean objectness loss.</param>
/// <param name="ClsLoss">Mean classification loss.</param>
/// <param name="LearningRate">The lr of the epoch's last step.</param>
/// <param name="SkippedSteps">Steps skipped for a non-finite loss.</param>
/// <param name="Duration">Wall time of the epoch (evaluation excluded).</param>
/// <param name="Evaluation">The evaluation after the epoch, when one ran.</param>
public sealed record EpochSummary(
    int Epoch, double TotalLoss, double IoULoss, double L1Loss, double ConfLoss, double ClsLoss, double LearningRate,
    int SkippedSteps, TimeSpan Duration, TrainingEvaluation? Evaluation);
