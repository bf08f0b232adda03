using System.Diagnostics;

namespace YoloX.Cli.Tests;

/// <summary>Runs the built <c>yolox</c> tool as a separate process (<c>dotnet yolox.dll ...</c>), as a user runs it.</summary>
internal static class ToolProcess
{
    /// <summary>
    /// The start info for <c>yolox</c> with <paramref name="args"/>; <paramref name="environment"/> entries are set,
    /// or removed where the value is null.
    /// </summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "yolox.dll"));
        foreach (var a in args)
            info.ArgumentList.Add(a);
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
                info.Environment.Remove(name);
            else
                info.Environment[name] = value;
        }
        return info;
    }

    /// <summary>Runs <c>yolox</c> to its end; standard output and error apart.</summary>
    public static (int Code, string Output, string Error) Run(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null)
    {
        using var process = Process.Start(StartInfo(args, environment))!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }
}
