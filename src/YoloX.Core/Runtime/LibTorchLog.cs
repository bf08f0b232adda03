using System.Runtime.InteropServices;
using TorchSharp;

namespace YoloX.Core.Runtime;

/// <summary>
/// The minimum severity of libtorch's own log, which libtorch writes straight to the process's standard error. PyTorch
/// sets it from <c>TORCH_CPP_LOG_LEVEL</c> when its Python module starts; a .NET process never runs that code, so the
/// variable has no effect there until <see cref="ApplyEnvironment"/> applies it (every <see cref="YoloXModel"/> does
/// so once per process).
/// </summary>
/// <remarks>
/// Why it matters: on a CPU where NNPACK cannot start (this project's virtualised 2-core EPYC, for one), libtorch 2.10
/// logs "Could not initialize NNPACK! Reason: Unsupported hardware." each time it considers NNPACK for a convolution,
/// which it does for the small 1×1 convolutions of a batch-1 forward without gradients: 165 lines for one image with
/// the Nano model on one thread, thousands in a fine-tune's evaluations. The <c>yolox</c> tool therefore runs with
/// <see cref="LibTorchLogLevel.Error"/> unless <c>TORCH_CPP_LOG_LEVEL</c> is set or <c>--verbose</c> is given. The
/// level is process-wide and also hides libtorch's other warnings (<c>TORCH_WARN</c> goes through the same log).
/// </remarks>
public static class LibTorchLog
{
    /// <summary>The environment variable PyTorch reads the level from.</summary>
    public const string EnvironmentVariable = "TORCH_CPP_LOG_LEVEL";

    private const string FlagSymbol = "FLAGS_caffe2_log_level";

    private static readonly Lazy<nint> Flag = new(FindFlag, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<LibTorchLogLevel?> FromEnvironment = new(ReadEnvironmentOnce, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>True when libtorch's log level can be read and set here (libc10 exports the flag; Linux does).</summary>
    public static bool IsSupported => Flag.Value != 0;

    /// <summary>libtorch's current minimum severity, or null where <see cref="IsSupported"/> is false.</summary>
    public static LibTorchLogLevel? MinimumLevel => IsSupported ? (LibTorchLogLevel)Marshal.ReadInt32(Flag.Value) : null;

    /// <summary>Sets libtorch's minimum severity for the whole process.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not one of the four levels.</exception>
    /// <exception cref="PlatformNotSupportedException">The loaded libtorch does not export its log level flag.</exception>
    public static void SetMinimumLevel(LibTorchLogLevel level)
    {
        if (!Enum.IsDefined(level))
            throw new ArgumentOutOfRangeException(nameof(level), level, "Not a libtorch log level.");
        if (!IsSupported)
            throw new PlatformNotSupportedException($"The loaded libtorch does not export '{FlagSymbol}', so its log level cannot be set here.");
        Marshal.WriteInt32(Flag.Value, (int)level);
    }

    /// <summary>
    /// Sets a minimum severity for an application that prefers it to libtorch's default (Warning), unless
    /// <c>TORCH_CPP_LOG_LEVEL</c> is set: the user's variable wins and is applied as <see cref="ApplyEnvironment"/>
    /// applies it. The samples call it with <see cref="LibTorchLogLevel.Error"/> at start (the <c>yolox</c> tool gets the
    /// same default by setting the variable when it is unset).
    /// </summary>
    /// <param name="level">The level to use when the variable is not set.</param>
    /// <returns>The level in force afterwards, or null where <see cref="IsSupported"/> is false.</returns>
    /// <exception cref="ArgumentOutOfRangeException">Not one of the four levels.</exception>
    public static LibTorchLogLevel? SetDefaultMinimumLevel(LibTorchLogLevel level) =>
        SetDefaultMinimumLevel(level, Environment.GetEnvironmentVariable(EnvironmentVariable));

    /// <summary><see cref="SetDefaultMinimumLevel(LibTorchLogLevel)"/> with the variable's value given (tests).</summary>
    internal static LibTorchLogLevel? SetDefaultMinimumLevel(LibTorchLogLevel level, string? environmentValue)
    {
        if (!Enum.IsDefined(level))
            throw new ArgumentOutOfRangeException(nameof(level), level, "Not a libtorch log level.");
        if (!IsSupported)
            return null;
        if (string.IsNullOrEmpty(environmentValue))
            SetMinimumLevel(level);
        else
            ApplyEnvironment();
        return MinimumLevel;
    }

    /// <summary>
    /// Parses a <c>TORCH_CPP_LOG_LEVEL</c> value as libtorch does: <c>INFO</c>, <c>WARNING</c>, <c>ERROR</c>,
    /// <c>FATAL</c> (any case) or <c>0</c>–<c>3</c>.
    /// </summary>
    public static bool TryParse(string? text, out LibTorchLogLevel level)
    {
        level = LibTorchLogLevel.Warning;
        switch (text?.Trim().ToUpperInvariant())
        {
            case "0" or "INFO": level = LibTorchLogLevel.Info; return true;
            case "1" or "WARNING": level = LibTorchLogLevel.Warning; return true;
            case "2" or "ERROR": level = LibTorchLogLevel.Error; return true;
            case "3" or "FATAL": level = LibTorchLogLevel.Fatal; return true;
            default: return false;
        }
    }

    /// <summary>
    /// Applies <c>TORCH_CPP_LOG_LEVEL</c> once per process, as PyTorch does at start: later calls return the first
    /// outcome. Nothing changes when the variable is unset or libtorch's flag is not available; a value libtorch would
    /// not accept is reported on standard error (as libtorch reports it) and ignored.
    /// </summary>
    /// <returns>The level applied, or null.</returns>
    public static LibTorchLogLevel? ApplyEnvironment() => FromEnvironment.Value;

    private static LibTorchLogLevel? ReadEnvironmentOnce()
    {
        var text = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrEmpty(text) || !IsSupported)
            return null;
        if (!TryParse(text, out var level))
        {
            Console.Error.WriteLine($"warning: {EnvironmentVariable}='{text}' is not INFO, WARNING, ERROR, FATAL or 0-3; libtorch's log level left as it is");
            return null;
        }
        SetMinimumLevel(level);
        return level;
    }

    private static nint FindFlag()
    {
        // TorchSharp loads libtorch (and with it c10) on first use; asking for the CPU device makes sure it has.
        torch.InitializeDeviceType(DeviceType.CPU);
        var name = OperatingSystem.IsWindows() ? "c10.dll" : OperatingSystem.IsMacOS() ? "libc10.dylib" : "libc10.so";
        // Loading an already loaded library returns it (one more reference, kept: the flag must stay mapped).
        if (!NativeLibrary.TryLoad(name, out var handle))
            return 0;
        return NativeLibrary.TryGetExport(handle, FlagSymbol, out var address) ? address : 0;
    }
}
