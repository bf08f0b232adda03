namespace YoloX.Training.Checkpoints;

/// <summary>Thrown when a training checkpoint cannot be read: missing, truncated, not ours or inconsistent.</summary>
public sealed class CheckpointFormatException : Exception
{
    /// <summary>Creates the exception for <paramref name="path"/>.</summary>
    public CheckpointFormatException(string path, string problem, Exception? inner = null)
        : base($"{path}: {problem}", inner) => FilePath = path;

    /// <summary>The offending file.</summary>
    public string FilePath { get; }
}
