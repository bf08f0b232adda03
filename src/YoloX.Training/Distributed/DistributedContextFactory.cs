using YoloX.Training.Distributed.Mpi;

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
        var launch = MpiLaunchEnvironment.Detect(getVariable);
        var useMpi = backend switch
        {
            DistributedBackend.None => false,
            DistributedBackend.Mpi => true,
            DistributedBackend.Auto => launch is not null,
            _ => throw new ArgumentOutOfRangeException(nameof(backend), backend, "Unknown distributed backend."),
        };
        if (!useMpi)
            return SingleProcessContext.Instance;
        var library = getVariable(LibraryVariable);
        var context = MpiContext.Initialize(threadLevel, string.IsNullOrWhiteSpace(library) ? LibraryCandidates(launch) : [library]);
        if (launch?.Size is { } launched && launched != context.WorldSize)
        {
            // A library of another MPI family initialises as a singleton under a foreign launcher: every process would
            // train alone as rank 0 of 1 and write the same output folder. Refuse instead.
            var loaded = $"{context.LibraryName} ({context.Implementation})";
            var world = context.WorldSize;
            context.Dispose();
            throw new MpiNotAvailableException(
                $"the {launch.Launcher} launcher started {launched} processes but the MPI library {loaded} sees a world of " +
                $"{world}: the library does not belong to the launcher. Set {LibraryVariable} to the launcher's library " +
                "(e.g. libmpich.so.12 for MPICH's mpiexec, libmpi.so.40 for Open MPI's mpirun).");
        }
        return context;
    }

    /// <summary>
    /// The MPI libraries to try, in order, for a process started by <paramref name="launch"/>: the launcher's own family
    /// first, because a library of the other family does not join the launcher's job (it starts as a singleton). MPICH's
    /// Hydra (and Intel MPI's) sets <c>PMI_RANK</c>: MPICH ABI first (<c>libmpi.so.12</c>, Debian's
    /// <c>libmpich.so.12</c>); otherwise (Open MPI, PMIx, no launcher) Open MPI's <c>libmpi.so.40</c> first.
    /// </summary>
    /// <param name="launch">What <see cref="MpiLaunchEnvironment.Detect"/> found, or null.</param>
    public static IReadOnlyList<string> LibraryCandidates(MpiLaunchEnvironment? launch) =>
        launch?.Launcher == MpiLaunchEnvironment.PmiLauncher ? MpiLibrary.MpichFirstCandidates : MpiLibrary.DefaultCandidates;
}
