using System.Diagnostics;
using System.Text;

namespace YoloX.Training.Tests.Distributed;

/// <summary>
/// Runs a scenario of tests/YoloX.Training.MpiHost under <c>mpirun --allow-run-as-root --oversubscribe -n N</c>, with a
/// hard timeout: on expiry the whole process tree is killed and the result says so, so a hung job fails the test
/// instead of hanging the suite.
/// </summary>
internal static class MpiJob
{
    public sealed record Result(int ExitCode, bool TimedOut, TimeSpan Elapsed, string Output)
    {
        public override string ToString() =>
            $"exit {ExitCode}{(TimedOut ? " (TIMED OUT, killed)" : "")} after {Elapsed.TotalSeconds:F1} s\n{Output}";
    }

    public static Result Run(string scenario, TimeSpan timeout, int ranks = 2)
    {
        var mpirun = FindMpirun();
        var start = new ProcessStartInfo(mpirun)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "--allow-run-as-root", "--oversubscribe", "--mca", "mpi_yield_when_idle", "1", "-n", ranks.ToString(System.Globalization.CultureInfo.InvariantCulture), "dotnet", HostPath(), scenario })
            start.ArgumentList.Add(a);
        // Two ranks share two cores: one libtorch thread each, and no spinning OpenMP workers.
        start.Environment["OMP_NUM_THREADS"] = "1";
        start.Environment["OMP_WAIT_POLICY"] = "PASSIVE";

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

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null || line.Contains("NNPACK", StringComparison.Ordinal))
            return;
        lock (output)
            output.AppendLine(line);
    }

    private static string FindMpirun()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "mpirun");
            if (File.Exists(candidate))
                return candidate;
        }
        throw new InvalidOperationException(
            "mpirun was not found on PATH: the MPI tests need Open MPI. Run `bash eng/setup-system.sh` (installs openmpi-bin and libopenmpi-dev).");
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
