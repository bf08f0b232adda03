using System.Runtime.InteropServices;
using System.Text;

namespace YoloX.Training.Distributed.Mpi;

/// <summary>
/// The few MPI C functions the trainer needs, bound at run time from the system's MPI library, with the predefined
/// handles resolved the way the loaded implementation represents them.
/// </summary>
/// <remarks>
/// <para>Open MPI (<c>libmpi.so.40</c>) defines <c>MPI_Comm</c>, <c>MPI_Datatype</c>, <c>MPI_Op</c> and
/// <c>MPI_Errhandler</c> as pointers, and its predefined handles are the addresses of exported objects
/// (<c>MPI_COMM_WORLD</c> is <c>&amp;ompi_mpi_comm_world</c>); <c>MPI_IN_PLACE</c> is <c>(void*)1</c> and
/// <c>MPI_COMM_TYPE_SHARED</c> is 0. MPICH (<c>libmpi.so.12</c>) defines them as 32-bit integers with fixed values
/// (<c>MPI_COMM_WORLD</c> = 0x44000000), <c>MPI_IN_PLACE</c> is <c>(void*)-1</c> and <c>MPI_COMM_TYPE_SHARED</c> is 1.</para>
/// <para>Handles are passed as <see cref="nint"/> for both: on the 64-bit System V and AArch64 calling conventions a
/// 32-bit <c>int</c> argument is read from the low half of its register, and output handles are written into a zeroed
/// 8-byte slot whose low 4 bytes are the MPICH handle (little-endian), so one set of signatures serves both.</para>
/// <para>64-bit integers use <c>MPI_LONG_LONG_INT</c> (64-bit on every LP64 platform) because its MPICH constant is
/// the same across MPICH versions, unlike the size-specific <c>MPI_INT64_T</c>.</para>
/// </remarks>
internal sealed unsafe class MpiLibrary
{
    /// <summary>The sonames tried in order: Open MPI 4/5 first, then MPICH (and its ABI-compatible family).</summary>
    public static readonly IReadOnlyList<string> DefaultCandidates = ["libmpi.so.40", "libmpi.so.12", "libmpich.so.12"];

    /// <summary>
    /// The order for a process started by MPICH's Hydra (or Intel MPI's): the MPICH ABI first (upstream and Intel name it
    /// <c>libmpi.so.12</c>, Debian <c>libmpich.so.12</c>), Open MPI last.
    /// </summary>
    public static readonly IReadOnlyList<string> MpichFirstCandidates = ["libmpi.so.12", "libmpich.so.12", "libmpi.so.40"];

    private const int RtldNow = 0x2;
    private const int RtldGlobal = 0x100;
    private const int ErrorStringCapacity = 2048; // ≥ MPI_MAX_ERROR_STRING of both (Open MPI 256, MPICH 1024)

    private readonly delegate* unmanaged<int*, nint, int, int*, int> _initThread;
    private readonly delegate* unmanaged<int*, int> _initialized;
    private readonly delegate* unmanaged<int*, int> _finalized;
    private readonly delegate* unmanaged<int> _finalize;
    private readonly delegate* unmanaged<nint, int*, int> _commRank;
    private readonly delegate* unmanaged<nint, int*, int> _commSize;
    private readonly delegate* unmanaged<nint, int, int, nint, nint*, int> _commSplitType;
    private readonly delegate* unmanaged<nint*, int> _commFree;
    private readonly delegate* unmanaged<nint, nint, int> _commSetErrhandler;
    private readonly delegate* unmanaged<nint, nint, int, nint, nint, nint, int> _allreduce;
    private readonly delegate* unmanaged<nint, int, nint, int, nint, int> _bcast;
    private readonly delegate* unmanaged<nint, int> _barrier;
    private readonly delegate* unmanaged<nint, int, int> _abort;
    private readonly delegate* unmanaged<int, byte*, int*, int> _errorString;

    private MpiLibrary(nint handle, string name, MpiImplementation implementation)
    {
        LibraryName = name;
        Implementation = implementation;
        _initThread = (delegate* unmanaged<int*, nint, int, int*, int>)Export(handle, "MPI_Init_thread");
        _initialized = (delegate* unmanaged<int*, int>)Export(handle, "MPI_Initialized");
        _finalized = (delegate* unmanaged<int*, int>)Export(handle, "MPI_Finalized");
        _finalize = (delegate* unmanaged<int>)Export(handle, "MPI_Finalize");
        _commRank = (delegate* unmanaged<nint, int*, int>)Export(handle, "MPI_Comm_rank");
        _commSize = (delegate* unmanaged<nint, int*, int>)Export(handle, "MPI_Comm_size");
        _commSplitType = (delegate* unmanaged<nint, int, int, nint, nint*, int>)Export(handle, "MPI_Comm_split_type");
        _commFree = (delegate* unmanaged<nint*, int>)Export(handle, "MPI_Comm_free");
        _commSetErrhandler = (delegate* unmanaged<nint, nint, int>)Export(handle, "MPI_Comm_set_errhandler");
        _allreduce = (delegate* unmanaged<nint, nint, int, nint, nint, nint, int>)Export(handle, "MPI_Allreduce");
        _bcast = (delegate* unmanaged<nint, int, nint, int, nint, int>)Export(handle, "MPI_Bcast");
        _barrier = (delegate* unmanaged<nint, int>)Export(handle, "MPI_Barrier");
        _abort = (delegate* unmanaged<nint, int, int>)Export(handle, "MPI_Abort");
        _errorString = (delegate* unmanaged<int, byte*, int*, int>)Export(handle, "MPI_Error_string");

        if (implementation == MpiImplementation.OpenMpi)
        {
            CommWorld = Export(handle, "ompi_mpi_comm_world");
            Float = Export(handle, "ompi_mpi_float");
            Double = Export(handle, "ompi_mpi_double");
            Int64 = Export(handle, "ompi_mpi_long_long_int");
            Byte = Export(handle, "ompi_mpi_byte");
            OpSum = Export(handle, "ompi_mpi_op_sum");
            ErrorsReturn = Export(handle, "ompi_mpi_errors_return");
            InfoNull = Export(handle, "ompi_mpi_info_null");
            InPlace = 1;
            CommTypeShared = 0;
        }
        else
        {
            CommWorld = 0x44000000;
            Float = 0x4c00040a;
            Double = 0x4c00080b;
            Int64 = 0x4c000809;
            Byte = 0x4c00010d;
            OpSum = 0x58000003;
            ErrorsReturn = 0x54000001;
            InfoNull = 0x1c000000;
            InPlace = -1;
            CommTypeShared = 1;
        }
    }

    /// <summary>The soname or path that was loaded.</summary>
    public string LibraryName { get; }

    /// <summary>Which family the library belongs to.</summary>
    public MpiImplementation Implementation { get; }

    /// <summary><c>MPI_COMM_WORLD</c>.</summary>
    public nint CommWorld { get; }

    /// <summary><c>MPI_FLOAT</c>.</summary>
    public nint Float { get; }

    /// <summary><c>MPI_DOUBLE</c>.</summary>
    public nint Double { get; }

    /// <summary><c>MPI_LONG_LONG_INT</c> (64-bit).</summary>
    public nint Int64 { get; }

    /// <summary><c>MPI_BYTE</c>.</summary>
    public nint Byte { get; }

    /// <summary><c>MPI_SUM</c>.</summary>
    public nint OpSum { get; }

    /// <summary><c>MPI_ERRORS_RETURN</c>.</summary>
    public nint ErrorsReturn { get; }

    /// <summary><c>MPI_INFO_NULL</c>.</summary>
    public nint InfoNull { get; }

    /// <summary><c>MPI_IN_PLACE</c>.</summary>
    public nint InPlace { get; }

    /// <summary><c>MPI_COMM_TYPE_SHARED</c>.</summary>
    public int CommTypeShared { get; }

    /// <summary>
    /// Loads the first library of <paramref name="candidates"/> that opens and exports the MPI symbols. Returns null
    /// and the reasons when none does.
    /// </summary>
    public static MpiLibrary? TryLoad(IEnumerable<string> candidates, out string failure)
    {
        var reasons = new List<string>();
        foreach (var name in candidates)
        {
            var handle = Open(name, out var openError);
            if (handle == 0)
            {
                reasons.Add($"{name}: {openError}");
                continue;
            }
            var implementation = NativeLibrary.TryGetExport(handle, "ompi_mpi_comm_world", out _)
                ? MpiImplementation.OpenMpi
                : MpiImplementation.Mpich;
            try
            {
                failure = "";
                return new MpiLibrary(handle, name, implementation);
            }
            catch (MpiException e)
            {
                reasons.Add($"{name}: {e.Message}");
            }
        }
        failure = string.Join("; ", reasons);
        return null;
    }

    /// <summary><c>MPI_Initialized</c>.</summary>
    public bool IsInitialized()
    {
        int flag;
        Check(_initialized(&flag), "MPI_Initialized");
        return flag != 0;
    }

    /// <summary><c>MPI_Finalized</c>.</summary>
    public bool IsFinalized()
    {
        int flag;
        Check(_finalized(&flag), "MPI_Finalized");
        return flag != 0;
    }

    /// <summary><c>MPI_Init_thread(NULL, NULL, required, &amp;provided)</c>.</summary>
    public MpiThreadLevel InitThread(MpiThreadLevel required)
    {
        int provided;
        Check(_initThread(null, 0, (int)required, &provided), "MPI_Init_thread");
        return (MpiThreadLevel)provided;
    }

    /// <summary><c>MPI_Finalize</c>.</summary>
    public void FinalizeMpi() => Check(_finalize(), "MPI_Finalize");

    /// <summary>Makes every error on <paramref name="comm"/> a return code instead of an abort.</summary>
    public void SetErrorsReturn(nint comm) => Check(_commSetErrhandler(comm, ErrorsReturn), "MPI_Comm_set_errhandler");

    /// <summary><c>MPI_Comm_rank</c>.</summary>
    public int CommRank(nint comm)
    {
        int rank;
        Check(_commRank(comm, &rank), "MPI_Comm_rank");
        return rank;
    }

    /// <summary><c>MPI_Comm_size</c>.</summary>
    public int CommSize(nint comm)
    {
        int size;
        Check(_commSize(comm, &size), "MPI_Comm_size");
        return size;
    }

    /// <summary><c>MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, key, MPI_INFO_NULL, &amp;newcomm)</c>: the ranks sharing memory (one machine).</summary>
    public nint SplitShared(nint comm, int key)
    {
        nint newComm = 0;
        Check(_commSplitType(comm, CommTypeShared, key, InfoNull, &newComm), "MPI_Comm_split_type");
        return newComm;
    }

    /// <summary><c>MPI_Comm_free</c>.</summary>
    public void CommFree(nint comm)
    {
        var c = comm;
        Check(_commFree(&c), "MPI_Comm_free");
    }

    /// <summary>In-place <c>MPI_Allreduce</c> with <c>MPI_SUM</c>.</summary>
    public void AllReduceSumInPlace(void* buffer, int count, nint datatype, nint comm) =>
        Check(_allreduce(InPlace, (nint)buffer, count, datatype, OpSum, comm), "MPI_Allreduce");

    /// <summary><c>MPI_Bcast</c>.</summary>
    public void Broadcast(void* buffer, int count, nint datatype, int root, nint comm) =>
        Check(_bcast((nint)buffer, count, datatype, root, comm), "MPI_Bcast");

    /// <summary><c>MPI_Barrier</c>.</summary>
    public void Barrier(nint comm) => Check(_barrier(comm), "MPI_Barrier");

    /// <summary><c>MPI_Abort</c>: terminates every process of the job (normally does not return).</summary>
    public int Abort(nint comm, int errorCode) => _abort(comm, errorCode);

    /// <summary><c>MPI_Error_string</c> of a code, or a fallback when the library cannot describe it.</summary>
    public string ErrorString(int code)
    {
        var buffer = stackalloc byte[ErrorStringCapacity];
        var length = 0;
        if (_errorString(code, buffer, &length) != 0 || length <= 0)
            return $"MPI error code {code}";
        return Encoding.UTF8.GetString(buffer, Math.Min(length, ErrorStringCapacity)).TrimEnd('\0');
    }

    /// <summary>Throws <see cref="MpiException"/> with the MPI error string when <paramref name="code"/> is not MPI_SUCCESS.</summary>
    public void Check(int code, string call)
    {
        if (code != 0)
            throw new MpiException($"{call} failed: {ErrorString(code)} (MPI error {code}, {LibraryName}).", code);
    }

    private static nint Export(nint handle, string name) =>
        NativeLibrary.TryGetExport(handle, name, out var address)
            ? address
            : throw new MpiException($"the library does not export {name}; it is not a usable MPI library.");

    /// <summary>
    /// Opens the library with RTLD_GLOBAL: Open MPI loads its components (mca_*.so) with dlopen, and they resolve
    /// symbols of libmpi/libopen-pal from the global scope (the reason mpi4py opens libmpi the same way).
    /// </summary>
    private static nint Open(string name, out string error)
    {
        error = "";
        if (OperatingSystem.IsLinux() || OperatingSystem.IsFreeBSD())
        {
            try
            {
                var handle = Dl.Open(name, RtldNow | RtldGlobal);
                if (handle != 0)
                    return handle;
                error = Marshal.PtrToStringUTF8(Dl.Error()) ?? "dlopen failed";
                return 0;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                // No dlopen in libc (unusual); fall back to the runtime's loader below.
            }
        }
        if (NativeLibrary.TryLoad(name, out var h))
            return h;
        error = "not found";
        return 0;
    }

    /// <summary>
    /// Sets a variable in the C environment (the one MPI reads), unless it is already set. .NET's
    /// <see cref="Environment.SetEnvironmentVariable(string, string)"/> does not change the C environment on Unix.
    /// </summary>
    public static void SetNativeEnvironmentDefault(string name, string value)
    {
        if (!OperatingSystem.IsLinux())
            return;
        try
        {
            _ = Dl.SetEnv(name, value, 0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc: leave the environment as the launcher made it.
        }
    }

    /// <summary>glibc's loader and environment (soname given in full: "libc.so" is a linker script on Debian).</summary>
    private static class Dl
    {
        [DllImport("libc.so.6", EntryPoint = "dlopen")]
        public static extern nint Open([MarshalAs(UnmanagedType.LPUTF8Str)] string file, int mode);

        [DllImport("libc.so.6", EntryPoint = "dlerror")]
        public static extern nint Error();

        [DllImport("libc.so.6", EntryPoint = "setenv")]
        public static extern int SetEnv([MarshalAs(UnmanagedType.LPUTF8Str)] string name,
            [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);
    }
}
