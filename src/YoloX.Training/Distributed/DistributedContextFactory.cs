namespace YoloX.Training.Distributed;

/// <summary>
/// Creates the <see cref="IDistributedContext"/> a training run uses: the call the trainer (<c>yolox train</c>) makes
/// once at start-up, so that <c>mpirun -n N yolox train ...</c> trains data-parallel and a plain run trains as before.
/// </summary>
/// <example>
/// <code>
/// using var context = DistributedContextFactory.Create();          // Auto: MPI under mpirun, else one process
/// var averager = new BucketedGradientAverager(context);             // hand both to the trainer
/// ModelSynchronizer.BroadcastState(model, context);                  // every rank starts from rank 0's weights
/// </code>
/// </example>
public static class DistributedContextFactory
{
    /// <summary>Environment variable naming the MPI library to load instead of the default sonames.</summary>
    public const string LibraryVariable = "YOLOX_MPI_LIBRARY";

    /// <summary>
    /// Gives <see cref="SingleProcessContext.Instance"/> when no MPI is wanted or detected, otherwise an initialised
    /// <see cref="MpiContext"/>. Dispose the result at the end of the run (a no-op for the single-process context).
    /// </summary>
    /// <param name="backend">How to choose.</param>
    /// <param name="threadLevel">Thread support to ask of MPI.</param>
    /// <param name="getVariable">Environment lookup (tests); default the process environment.</param>
    /// <exception cref="MpiNotAvailableException">MPI is asked for (or the process runs under an MPI launcher) but no
    /// MPI library can be loaded; the message says what to install.</exception>
    public static IDistributedContext Create(DistributedBackend backend = DistributedBackend.Auto,
        MpiThreadLevel threadLevel = MpiThreadLevel.Funneled, Func<string, string?>? getVariable = null)
    {
        getVariable ??= Environment.GetEnvironmentVariable;
        var useMpi = backend switch
        {
            DistributedBackend.None => false,
            DistributedBackend.Mpi => true,
            DistributedBackend.Auto => MpiLaunchEnvironment.Detect(getVariable) is not null,
            _ => throw new ArgumentOutOfRangeException(nameof(backend), backend, "Unknown distributed backend."),
        };
        if (!useMpi)
            return SingleProcessContext.Instance;
        var library = getVariable(LibraryVariable);
        return MpiContext.Initialize(threadLevel, string.IsNullOrWhiteSpace(library) ? null : [library]);
    }
}
