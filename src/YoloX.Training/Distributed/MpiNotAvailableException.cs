namespace YoloX.Training.Distributed;

/// <summary>
/// MPI was asked for (explicitly, or by launching under <c>mpirun</c>) but no usable MPI library could be loaded. The
/// message is one line saying what to install.
/// </summary>
public sealed class MpiNotAvailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MpiNotAvailableException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
