using System.Diagnostics;

namespace YoloX.Inference.Tests.Export;

/// <summary>
/// Runs the reference ONNX checker, <c>onnx.checker.check_model(model, full_check=True)</c> (strict shape inference
/// included), from Debian's python3-onnx on a file. Under CI=true a missing checker fails the test; elsewhere it is
/// reported and the check is skipped.
/// </summary>
internal static class OnnxChecker
{
    private const string Python = "/usr/bin/python3";

    private const string Script =
        "import sys, onnx\n" +
        "m = onnx.load(sys.argv[1])\n" +
        "onnx.checker.check_model(m, full_check=True)\n" +
        "print('ok', onnx.__version__)\n";

    /// <summary>Checks <paramref name="path"/>; returns a line describing what was checked.</summary>
    public static string Check(string path)
    {
        if (!Available())
        {
            var message = "python3-onnx is not installed (eng/system-packages.txt lists it; run eng/setup-system.sh)";
            Assert.False(IsCi, message);
            return "SKIPPED (not CI): " + message;
        }
        var (code, stdout, stderr) = Run("-c", Script, path);
        Assert.True(code == 0, $"onnx.checker rejected {Path.GetFileName(path)}:\n{stderr}");
        return stdout.Trim();
    }

    private static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    private static bool Available() => File.Exists(Python) && Run("-c", "import onnx").Code == 0;

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        var info = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
