namespace YoloX.Training;

/// <summary>
/// A training recipe is invalid, or a YAML file or a <c>key=value</c> override could not be applied to it. The message
/// names the offending key (its YAML name) and what was expected.
/// </summary>
public sealed class TrainingRecipeException : Exception
{
    /// <summary>Creates the exception for <paramref name="key"/> (null when the problem is not tied to one key).</summary>
    public TrainingRecipeException(string message, string? key = null, Exception? inner = null)
        : base(message, inner) => Key = key;

    /// <summary>The YAML key the problem concerns, or null.</summary>
    public string? Key { get; }
}
