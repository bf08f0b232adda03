using System.Globalization;

namespace YoloX.Training.Distributed;

/// <summary>
/// What an MPI launcher told this process through its environment: the launcher family and the rank/size it assigned.
/// Used to decide, before touching any MPI library, whether the process runs under <c>mpirun</c>.
/// </summary>
/// <param name="Launcher">Which variables were found: <c>Open MPI</c> (<c>OMPI_COMM_WORLD_*</c>), <c>PMIx</c>
/// (<c>PMIX_RANK</c>) or <c>PMI</c> (<c>PMI_RANK</c>/<c>PMI_SIZE</c>: MPICH's Hydra, Intel MPI, Slurm's PMI).</param>
/// <param name="Rank">The rank the launcher assigned.</param>
/// <param name="Size">The number of processes, when the launcher says (PMIx alone does not).</param>
public sealed record MpiLaunchEnvironment(string Launcher, int Rank, int? Size)
{
    /// <summary><see cref="Launcher"/> for Open MPI's <c>mpirun</c> (<c>OMPI_COMM_WORLD_*</c>).</summary>
    public const string OpenMpiLauncher = "Open MPI";

    /// <summary><see cref="Launcher"/> for a PMI launcher (<c>PMI_RANK</c>/<c>PMI_SIZE</c>: MPICH's Hydra, Intel MPI, Slurm's PMI).</summary>
    public const string PmiLauncher = "PMI";

    /// <summary><see cref="Launcher"/> for a PMIx launcher seen only through <c>PMIX_RANK</c>.</summary>
    public const string PmixLauncher = "PMIx";

    /// <summary>
    /// Reads the launcher variables from <paramref name="getVariable"/> (default: the process environment). Returns
    /// null when the process was not started by an MPI launcher.
    /// </summary>
    public static MpiLaunchEnvironment? Detect(Func<string, string?>? getVariable = null)
    {
        getVariable ??= Environment.GetEnvironmentVariable;
        if (ReadInt(getVariable, "OMPI_COMM_WORLD_RANK") is { } ompiRank)
            return new MpiLaunchEnvironment(OpenMpiLauncher, ompiRank, ReadInt(getVariable, "OMPI_COMM_WORLD_SIZE"));
        if (ReadInt(getVariable, "PMI_RANK") is { } pmiRank)
            return new MpiLaunchEnvironment(PmiLauncher, pmiRank, ReadInt(getVariable, "PMI_SIZE"));
        if (ReadInt(getVariable, "PMIX_RANK") is { } pmixRank)
            return new MpiLaunchEnvironment(PmixLauncher, pmixRank, null);
        return null;
    }

    private static int? ReadInt(Func<string, string?> getVariable, string name) =>
        int.TryParse(getVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? value
            : null;
}
