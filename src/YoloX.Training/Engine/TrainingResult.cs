using YoloX.Training.Checkpoints;

namespace YoloX.Training.Engine;

/// <summary>How a training run ended.</summary>
/// <param name="Reason">Why it stopped.</param>
/// <param name="Progress">The final progress (what <c>latest</c> records).</param>
/// <param name="OutputDirectory">Where checkpoints and logs are.</param>
public sealed record TrainingResult(TrainingStopReason Reason, TrainingProgress Progress, string OutputDirectory)
{
    /// <summary>The <c>latest</c> checkpoint.</summary>
    public string LatestCheckpoint => Path.Combine(OutputDirectory, TrainingCheckpoint.FileName(CheckpointKind.Latest));

    /// <summary>The <c>best</c> checkpoint (exists once an evaluation ran).</summary>
    public string BestCheckpoint => Path.Combine(OutputDirectory, TrainingCheckpoint.FileName(CheckpointKind.Best));
}
