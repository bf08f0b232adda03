using YoloX.Training.Distributed.Mpi;

namespace YoloX.Training.Distributed;

/// <summary>
/// An <see cref="IDistributedContext"/> over MPI (Open MPI or MPICH, loaded at run time): one process per rank, as
/// started by <c>mpirun -n N</c>. Collectives are the blocking MPI ones on <c>MPI_COMM_WORLD</c>; every MPI error comes
/// back as an <see cref="MpiException"/> carrying the library's error string (the communicator uses
/// <c>MPI_ERRORS_RETURN</c>).
/// </summary>
/// <remarks>
/// <para>MPI can be initialised once per process: create one context (with <see cref="Initialize"/> or
/// <see cref="DistributedContextFactory"/>) at start-up and dispose it at the end, which finalises MPI. After that no
/// new context can be made in the same process.</para>
/// <para>The default thread level is <see cref="MpiThreadLevel.Funneled"/>: libtorch and the data loader may run many
/// threads, but only the thread that created the context may call its collectives.</para>
/// <para>A rank that fails for good should call <see cref="Abort"/> so the other ranks do not wait forever in their
/// next collective; <c>mpirun</c> itself ends the job when one of its processes dies.</para>
/// </remarks>
public sealed unsafe class MpiContext : IDistributedContext
{
    private static readonly Lock InitLock = new();
    private static MpiLibrary? s_initializedBy;
    private static bool s_finalized;

    private readonly MpiLibrary _mpi;
    private readonly bool _finalizeOnDispose;
    private bool _disposed;

    private MpiContext(MpiLibrary mpi, MpiThreadLevel provided, bool finalizeOnDispose)
    {
        _mpi = mpi;
        _finalizeOnDispose = finalizeOnDispose;
        ThreadLevel = provided;
        var world = mpi.CommWorld;
        mpi.SetErrorsReturn(world);
        Rank = mpi.CommRank(world);
        WorldSize = mpi.CommSize(world);
        var local = mpi.SplitShared(world, Rank);
        try
        {
            LocalRank = mpi.CommRank(local);
            LocalSize = mpi.CommSize(local);
        }
        finally
        {
            mpi.CommFree(local);
        }
    }

    /// <inheritdoc />
    public int Rank { get; }

    /// <inheritdoc />
    public int WorldSize { get; }

    /// <inheritdoc />
    public int LocalRank { get; }

    /// <inheritdoc />
    public int LocalSize { get; }

    /// <inheritdoc />
    public bool IsMain => Rank == 0;

    /// <summary>The thread support the library granted (may be lower than asked; Funneled is what the trainer needs).</summary>
    public MpiThreadLevel ThreadLevel { get; }

    /// <summary>Which MPI family was loaded.</summary>
    public MpiImplementation Implementation => _mpi.Implementation;

    /// <summary>The MPI library that was loaded (soname or path).</summary>
    public string LibraryName => _mpi.LibraryName;

    /// <summary>
    /// Loads the MPI library and initialises MPI (<c>MPI_Init_thread</c>), then reads the world and node-local
    /// ranks (<c>MPI_Comm_split_type</c> with <c>MPI_COMM_TYPE_SHARED</c>).
    /// </summary>
    /// <param name="threadLevel">The thread support to ask for.</param>
    /// <param name="libraryCandidates">Sonames or paths to try, in order; default Open MPI's <c>libmpi.so.40</c>, then MPICH's <c>libmpi.so.12</c>.</param>
    /// <exception cref="MpiNotAvailableException">No MPI library could be loaded.</exception>
    /// <exception cref="MpiException">MPI failed to initialise.</exception>
    /// <exception cref="InvalidOperationException">A context already exists in this process, or MPI was finalised.</exception>
    public static MpiContext Initialize(MpiThreadLevel threadLevel = MpiThreadLevel.Funneled,
        IEnumerable<string>? libraryCandidates = null)
    {
        lock (InitLock)
        {
            if (s_finalized)
                throw new InvalidOperationException("MPI was already finalised in this process; it cannot be initialised again.");
            if (s_initializedBy is not null)
                throw new InvalidOperationException("An MpiContext already exists in this process; share it instead of creating another.");
            var candidates = (libraryCandidates ?? MpiLibrary.DefaultCandidates).ToList();
            var mpi = MpiLibrary.TryLoad(candidates, out var failure)
                ?? throw new MpiNotAvailableException(NotAvailableMessage(candidates, failure));
            PrepareEnvironment(mpi);
            var alreadyInitialized = mpi.IsInitialized();
            var provided = alreadyInitialized ? threadLevel : mpi.InitThread(threadLevel);
            var context = new MpiContext(mpi, provided, finalizeOnDispose: !alreadyInitialized);
            s_initializedBy = mpi;
            return context;
        }
    }

    /// <summary>The one-line message for a missing MPI library.</summary>
    internal static string NotAvailableMessage(IReadOnlyList<string> candidates, string failure) =>
        $"MPI was requested but no MPI library could be loaded (tried {string.Join(", ", candidates)}): install Open MPI " +
        $"(Debian/Ubuntu: apt-get install openmpi-bin libopenmpi-dev) or MPICH, or run without mpirun. Details: {failure}";

    /// <inheritdoc />
    public void AllReduceSum(Span<float> buffer)
    {
        ThrowIfDisposed();
        if (buffer.IsEmpty)
            return;
        fixed (float* p = buffer)
            _mpi.AllReduceSumInPlace(p, buffer.Length, _mpi.Float, _mpi.CommWorld);
    }

    /// <inheritdoc />
    public void AllReduceSum(Span<double> buffer)
    {
        ThrowIfDisposed();
        if (buffer.IsEmpty)
            return;
        fixed (double* p = buffer)
            _mpi.AllReduceSumInPlace(p, buffer.Length, _mpi.Double, _mpi.CommWorld);
    }

    /// <inheritdoc />
    public void AllReduceSum(Span<long> buffer)
    {
        ThrowIfDisposed();
        if (buffer.IsEmpty)
            return;
        fixed (long* p = buffer)
            _mpi.AllReduceSumInPlace(p, buffer.Length, _mpi.Int64, _mpi.CommWorld);
    }

    /// <inheritdoc />
    /// <remarks>An invalid <paramref name="root"/> is reported by MPI itself (as an <see cref="MpiException"/>).</remarks>
    public void Broadcast(Span<float> buffer, int root = 0)
    {
        ThrowIfDisposed();
        fixed (float* p = buffer)
            _mpi.Broadcast(p, buffer.Length, _mpi.Float, root, _mpi.CommWorld);
    }

    /// <inheritdoc />
    public void Broadcast(Span<double> buffer, int root = 0)
    {
        ThrowIfDisposed();
        fixed (double* p = buffer)
            _mpi.Broadcast(p, buffer.Length, _mpi.Double, root, _mpi.CommWorld);
    }

    /// <inheritdoc />
    public void Broadcast(Span<long> buffer, int root = 0)
    {
        ThrowIfDisposed();
        fixed (long* p = buffer)
            _mpi.Broadcast(p, buffer.Length, _mpi.Int64, root, _mpi.CommWorld);
    }

    /// <inheritdoc />
    public void Broadcast(Span<byte> buffer, int root = 0)
    {
        ThrowIfDisposed();
        fixed (byte* p = buffer)
            _mpi.Broadcast(p, buffer.Length, _mpi.Byte, root, _mpi.CommWorld);
    }

    /// <inheritdoc />
    public void Barrier()
    {
        ThrowIfDisposed();
        _mpi.Barrier(_mpi.CommWorld);
    }

    /// <summary>
    /// Ends every process of the job with <paramref name="errorCode"/> (<c>MPI_Abort</c>): what a rank must do when it
    /// cannot go on, so that the others do not block forever in a collective it will never join.
    /// </summary>
    public void Abort(int errorCode = 1)
    {
        _mpi.Abort(_mpi.CommWorld, errorCode);
        Environment.Exit(errorCode); // MPI_Abort should not return; make sure this process ends if it does.
    }

    /// <summary>Finalises MPI (when this context initialised it). Every rank must dispose its context.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        lock (InitLock)
        {
            if (_finalizeOnDispose && !_mpi.IsFinalized())
                _mpi.FinalizeMpi();
            s_finalized = _finalizeOnDispose;
            s_initializedBy = null;
        }
    }

    /// <summary>
    /// Keeps Open MPI from installing its own SIGSEGV/SIGBUS/SIGFPE/SIGABRT handlers (<c>opal_signal</c>), which would
    /// replace the .NET runtime's and turn a managed NullReferenceException into a native abort. A value the user set
    /// is kept.
    /// </summary>
    private static void PrepareEnvironment(MpiLibrary mpi)
    {
        if (mpi.Implementation == MpiImplementation.OpenMpi)
            MpiLibrary.SetNativeEnvironmentDefault("OMPI_MCA_opal_signal", "");
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
