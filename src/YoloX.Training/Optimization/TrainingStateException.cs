namespace YoloX.Training.Optimization;

/// <summary>
/// Saved optimiser or EMA state does not fit the model it is loaded into (missing or unknown tensor names, other
/// shapes or element types). Nothing is changed when it is thrown.
/// </summary>
public sealed class TrainingStateException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TrainingStateException(string message) : base(message) { }
}
