using System.Diagnostics;

namespace YoloX.Samples.Tests;

/// <summary>Runs a sample's built assembly (samples/NAME/bin/&lt;config&gt;/&lt;tfm&gt;/NAME.dll) and captures its output.</summary>
internal static class SampleProcess
{
    public static (int ExitCode, string Output) Run(string sample, TimeSpan timeout, params string[] args) =>
        Run(sample, timeout, environment: null, args);

    /// <summary>Runs the sample with environment changes (a null value removes the variable).</summary>
    public static (int ExitCode, string Output) Run(string sample, TimeSpan timeout, IReadOnlyDictionary<string, string?>? environment,
        params string[] args)
    {
        var bin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var tfm = bin.Name;
        var configuration = bin.Parent!.Name;
        var repo = bin.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
        var dll = Path.Combine(repo, "samples", sample, "bin", configuration, tfm, sample + ".dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"The sample is not built at {dll}; build tests/YoloX.Samples.Tests (it builds the samples).", dll);
        }
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
                info.Environment.Remove(name);
            else
                info.Environment[name] = value;
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{sample} did not finish within {timeout}.");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
