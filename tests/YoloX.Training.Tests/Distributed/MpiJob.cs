using System.Diagnostics;
using System.Text;

namespace YoloX.Training.Tests.Distributed;

/// <summary>
/// Runs a scenario of tests/YoloX.Training.MpiHost under <c>mpirun --allow-run-as-root --oversubscribe -n N</c> (or
/// MPICH's <c>mpiexec.mpich -n N</c>), with a hard timeout: on expiry the whole process tree is killed and the result
/// says so, so a hung job fails the test instead of hanging the suite.
/// </summary>
internal static class MpiJob
{
    /// <summary>
    /// The xunit collection of every class that starts MPI jobs: its tests run one after another, so two 2-rank jobs
    /// never share the two cores (their durations, and the timeouts, stay meaningful).
    /// </summary>
    public const string Collection = "MPI jobs";

    public sealed record Result(int ExitCode, bool TimedOut, TimeSpan Elapsed, string Output)
    {
        public override string ToString() =>
            $"exit {ExitCode}{(TimedOut ? " (TIMED OUT, killed)" : "")} after {Elapsed.TotalSeconds:F1} s\n{Output}";
    }

    /// <summary>Which launcher starts the ranks.</summary>
    public enum Launcher
    {
        /// <summary>Open MPI's <c>mpirun</c> (the default <c>mpirun</c> on PATH).</summary>
        OpenMpi,

        /// <summary>MPICH's Hydra, <c>mpiexec.mpich</c> (Debian's name; installed beside Open MPI without replacing <c>mpirun</c>).</summary>
        Mpich,
    }

    public static Result Run(string scenario, TimeSpan timeout, int ranks = 2, Launcher launcher = Launcher.OpenMpi,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var n = ranks.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var (program, arguments) = launcher switch
        {
            Launcher.OpenMpi => (FindOnPath("mpirun", "Open MPI", "openmpi-bin and libopenmpi-dev"),
                new[] { "--allow-run-as-root", "--oversubscribe", "--mca", "mpi_yield_when_idle", "1", "-n", n }),
            Launcher.Mpich => (FindOnPath("mpiexec.mpich", "MPICH", "mpich"), new[] { "-n", n }),
            _ => throw new ArgumentOutOfRangeException(nameof(launcher)),
        };
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments.Concat(["dotnet", HostPath(), scenario]))
            start.ArgumentList.Add(a);
        // Two ranks share two cores: one libtorch thread each, and no spinning OpenMP workers.
        start.Environment["OMP_NUM_THREADS"] = "1";
        start.Environment["OMP_WAIT_POLICY"] = "PASSIVE";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        var watch = Stopwatch.StartNew();
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExit(timeout);
        if (!exited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        process.WaitForExit(); // drains the asynchronous readers
        watch.Stop();
        string text;
        lock (output)
            text = output.ToString();
        return new Result(exited ? process.ExitCode : -1, !exited, watch.Elapsed, text);
    }

    /// <summary>How many times <paramref name="what"/> occurs in <paramref name="text"/> (e.g. a line every rank prints).</summary>
    public static int Count(string text, string what)
    {
        var count = 0;
        for (var i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal))
            count++;
        return count;
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null || line.Contains("NNPACK", StringComparison.Ordinal))
            return;
        lock (output)
            output.AppendLine(line);
    }

    private static string FindOnPath(string program, string implementation, string packages)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, program);
            if (File.Exists(candidate))
                return candidate;
        }
        throw new InvalidOperationException(
            $"{program} was not found on PATH: the MPI tests need {implementation}. Run `bash eng/setup-system.sh` (installs {packages}).");
    }

    /// <summary>The host built beside this test assembly: tests/YoloX.Training.MpiHost/bin/&lt;config&gt;/&lt;tfm&gt;/.</summary>
    private static string HostPath()
    {
        var bin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var tfm = bin.Name;
        var configuration = bin.Parent!.Name;
        var testsDir = bin.Parent.Parent!.Parent!.Parent!.FullName;
        var host = Path.Combine(testsDir, "YoloX.Training.MpiHost", "bin", configuration, tfm, "YoloX.Training.MpiHost.dll");
        return File.Exists(host)
            ? host
            : throw new FileNotFoundException($"The MPI test host is not built at {host}; build tests/YoloX.Training.Tests (it builds the host).", host);
    }
}
