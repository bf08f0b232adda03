using Xunit.Abstractions;
using YoloX.Core.Runtime;
using YoloX.Testing;

namespace YoloX.Cli.Tests;

/// <summary>
/// A real <c>yolox</c> process: libtorch's warnings (on a CPU where NNPACK cannot start, one per small convolution of
/// a batch-1 forward) stay out of the tool's output unless the user asks for them.
/// </summary>
public class LibTorchLogTests(ITestOutputHelper log)
{
    private static readonly string[] DetectWithTorch =
        ["detect", SharedAssets.DogJpg, "--weights", SharedAssets.NanoOnnx, "--model", "nano", "--backend", "torch", "--threads", "1"];

    [Fact]
    public void The_tool_hides_libtorchs_warnings_unless_TORCH_CPP_LOG_LEVEL_or_verbose_asks_for_them()
    {
        var quiet = Run(DetectWithTorch, level: null);
        var asked = Run(DetectWithTorch, level: "WARNING");
        var verbose = Run([.. DetectWithTorch, "--verbose"], level: null);
        log.WriteLine($"libtorch warning lines: default {quiet.Warnings}, TORCH_CPP_LOG_LEVEL=WARNING {asked.Warnings}, --verbose {verbose.Warnings}");

        Assert.True(quiet.Code == 0 && asked.Code == 0 && verbose.Code == 0, quiet.Error + asked.Error + verbose.Error);
        Assert.Contains("dog", quiet.Output);
        Assert.Equal(0, quiet.Warnings);
        Assert.Equal(asked.Warnings, verbose.Warnings);
        if (asked.Warnings == 0)
            log.WriteLine("NNPACK starts on this CPU: libtorch had nothing to warn about, so only the default's silence is shown.");
    }

    private static (int Code, string Output, string Error, int Warnings) Run(string[] args, string? level)
    {
        var (code, output, error) = ToolProcess.Run(args, new Dictionary<string, string?> { [LibTorchLog.EnvironmentVariable] = level });
        // libtorch's log lines look like "[W1204 07:10:48.852589575 NNPACK.cpp:56] ...".
        var warnings = error.Split('\n').Count(l => l.StartsWith("[W", StringComparison.Ordinal));
        return (code, output, error, warnings);
    }
}
