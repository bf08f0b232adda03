namespace YoloX.Training.Distributed;

/// <summary>
/// An MPI call failed. <see cref="Exception.Message"/> carries the MPI library's own error string
/// (<c>MPI_Error_string</c>) and the call that failed; <see cref="ErrorCode"/> is the raw MPI error code.
/// </summary>
public sealed class MpiException : Exception
{
    /// <summary>Creates the exception for a failed call.</summary>
    public MpiException(string message, int errorCode = 0, Exception? inner = null) : base(message, inner)
    {
        ErrorCode = errorCode;
    }

    /// <summary>The MPI error code the call returned (0 when the failure was not a return code, e.g. a missing symbol).</summary>
    public int ErrorCode { get; }
}
