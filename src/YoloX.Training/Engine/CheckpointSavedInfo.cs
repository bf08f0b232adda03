using YoloX.Training.Checkpoints;

namespace YoloX.Training.Engine;

/// <summary>A checkpoint the trainer wrote (or failed to write).</summary>
/// <param name="Kind">Which checkpoint.</param>
/// <param name="Path">Its file.</param>
/// <param name="Progress">The progress it records.</param>
/// <param name="Error">Why the save failed (the previous file is intact), or <c>null</c> on success.</param>
public sealed record CheckpointSavedInfo(CheckpointKind Kind, string Path, TrainingProgress Progress, Exception? Error = null);
