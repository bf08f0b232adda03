namespace YoloX.Training.Distributed;

/// <summary>Which MPI library family the binding loaded; they differ in how handles and constants are represented.</summary>
public enum MpiImplementation
{
    /// <summary>Open MPI (<c>libmpi.so.40</c>): handles are pointers to exported predefined objects.</summary>
    OpenMpi,

    /// <summary>MPICH and its ABI family (<c>libmpi.so.12</c>): handles are 32-bit integer constants.</summary>
    Mpich,
}
