namespace YoloX.Training.Engine;

/// <summary>Thrown when the loss stayed NaN/Inf for too many iterations in a row: training cannot make progress.</summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TrainingDivergedException(string message) : base(message)
    {
    }
}
