using YoloX.Core.Runtime;
using Xunit;

namespace YoloX.Core.Tests.Runtime;

/// <summary>
/// <see cref="LibTorchLog"/> against the libtorch TorchSharp loads. That the level really silences libtorch's output is
/// shown on a real <c>yolox</c> process (<c>YoloX.Cli.Tests.LibTorchLogTests</c>); here the flag and the parsing.
/// </summary>
public class LibTorchLogTests
{
    [Theory]
    [InlineData("INFO", LibTorchLogLevel.Info)]
    [InlineData("0", LibTorchLogLevel.Info)]
    [InlineData("warning", LibTorchLogLevel.Warning)]
    [InlineData("1", LibTorchLogLevel.Warning)]
    [InlineData("Error", LibTorchLogLevel.Error)]
    [InlineData(" 2 ", LibTorchLogLevel.Error)]
    [InlineData("FATAL", LibTorchLogLevel.Fatal)]
    [InlineData("3", LibTorchLogLevel.Fatal)]
    public void TryParse_accepts_the_names_and_numbers_libtorch_accepts(string text, LibTorchLogLevel expected)
    {
        Assert.True(LibTorchLog.TryParse(text, out var level));
        Assert.Equal(expected, level);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("WARN")]
    [InlineData("verbose")]
    [InlineData("4")]
    [InlineData("-1")]
    public void TryParse_rejects_what_libtorch_rejects(string? text) => Assert.False(LibTorchLog.TryParse(text, out _));

    [Fact]
    public void The_flag_is_libtorchs_log_level_and_setting_it_is_read_back()
    {
        if (!OperatingSystem.IsLinux())
            return; // libc10 exports the flag on Linux; elsewhere IsSupported may be false.
        Assert.True(LibTorchLog.IsSupported, "libc10 should export FLAGS_caffe2_log_level");
        if (Environment.GetEnvironmentVariable(LibTorchLog.EnvironmentVariable) is null)
            Assert.Equal(LibTorchLogLevel.Warning, LibTorchLog.MinimumLevel); // libtorch's own default: the symbol is the right int
        PreservingLevel(() =>
        {
            LibTorchLog.SetMinimumLevel(LibTorchLogLevel.Error);
            Assert.Equal(LibTorchLogLevel.Error, LibTorchLog.MinimumLevel);
            LibTorchLog.SetMinimumLevel(LibTorchLogLevel.Info);
            Assert.Equal(LibTorchLogLevel.Info, LibTorchLog.MinimumLevel);
        });
    }

    [Fact]
    public void SetMinimumLevel_rejects_a_value_outside_the_four_levels() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => LibTorchLog.SetMinimumLevel((LibTorchLogLevel)7));

    [Fact]
    public void SetDefaultMinimumLevel_sets_the_level_when_the_variable_is_not_set()
    {
        if (!OperatingSystem.IsLinux())
            return;
        PreservingLevel(() =>
        {
            LibTorchLog.SetMinimumLevel(LibTorchLogLevel.Warning);
            Assert.Equal(LibTorchLogLevel.Error, LibTorchLog.SetDefaultMinimumLevel(LibTorchLogLevel.Error, null));
            Assert.Equal(LibTorchLogLevel.Error, LibTorchLog.MinimumLevel);
            Assert.Equal(LibTorchLogLevel.Fatal, LibTorchLog.SetDefaultMinimumLevel(LibTorchLogLevel.Fatal, ""));
        });
    }

    [Fact]
    public void SetDefaultMinimumLevel_leaves_the_level_to_the_variable_when_it_is_set()
    {
        if (!OperatingSystem.IsLinux())
            return;
        PreservingLevel(() =>
        {
            LibTorchLog.SetMinimumLevel(LibTorchLogLevel.Info);
            // The variable's own value was applied (or not) once per process by ApplyEnvironment; the default given
            // here must not override what is in force.
            var inForce = LibTorchLog.SetDefaultMinimumLevel(LibTorchLogLevel.Fatal, "WARNING");
            Assert.NotEqual(LibTorchLogLevel.Fatal, inForce);
            Assert.Equal(LibTorchLog.MinimumLevel, inForce);
        });
    }

    [Fact]
    public void SetDefaultMinimumLevel_rejects_a_value_outside_the_four_levels() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => LibTorchLog.SetDefaultMinimumLevel((LibTorchLogLevel)9, null));

    /// <summary>Runs a test body that changes the process-wide level, then puts the level back.</summary>
    private static void PreservingLevel(Action body)
    {
        var before = LibTorchLog.MinimumLevel!.Value;
        try
        {
            body();
        }
        finally
        {
            LibTorchLog.SetMinimumLevel(before);
        }
    }
}
