using System.Diagnostics;

namespace YoloX.Inference.Tests.Export;

/// <summary>
/// Runs the reference ONNX checker, <c>onnx.checker.check_model(model, full_check=True)</c> (strict shape inference
/// included), from Debian's python3-onnx on a file. A missing checker fails the test: the README's commands install it
/// (eng/system-packages.txt), and CI may not set CI=true, so the check must not depend on that. Developers without it
/// can opt out with YOLOX_SKIP_ONNX_CHECKER=1 (reported in the test output).
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
            Assert.True(OptedOut, message + "; set YOLOX_SKIP_ONNX_CHECKER=1 to skip the check");
            return "SKIPPED (YOLOX_SKIP_ONNX_CHECKER=1): " + message;
        }
        var (code, stdout, stderr) = Run("-c", Script, path);
        Assert.True(code == 0, $"onnx.checker rejected {Path.GetFileName(path)}:\n{stderr}");
        return stdout.Trim();
    }

    private static bool OptedOut => Environment.GetEnvironmentVariable("YOLOX_SKIP_ONNX_CHECKER") == "1";

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
