namespace YoloX.Core.Loss;

/// <summary>
/// Thrown when a training loss term is NaN or infinite: the step must not be back-propagated (it would poison the
/// weights). Typical causes: a learning rate that is too high, or corrupt input images.
/// </summary>
public sealed class NonFiniteLossException : Exception
{
    /// <summary>Creates the exception with the values of the loss terms.</summary>
    public NonFiniteLossException(string message, LossValues values) : base(message) => Values = values;

    /// <summary>The loss terms as read when the problem was detected.</summary>
    public LossValues Values { get; }
}
