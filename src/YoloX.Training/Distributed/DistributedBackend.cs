namespace YoloX.Training.Distributed;

/// <summary>How <see cref="DistributedContextFactory"/> chooses the process group.</summary>
public enum DistributedBackend
{
    /// <summary>MPI when the process was started by an MPI launcher (<see cref="MpiLaunchEnvironment"/>), else one process.</summary>
    Auto,

    /// <summary>Always one process (<see cref="SingleProcessContext"/>), even under <c>mpirun</c>.</summary>
    None,

    /// <summary>Always MPI (a process started without <c>mpirun</c> becomes a world of one).</summary>
    Mpi,
}
