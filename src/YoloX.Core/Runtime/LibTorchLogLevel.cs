namespace YoloX.Core.Runtime;

/// <summary>
/// The severities of libtorch's own log (c10's <c>FLAGS_caffe2_log_level</c>; the names and numbers
/// <c>TORCH_CPP_LOG_LEVEL</c> accepts). Messages below the minimum are dropped.
/// </summary>
public enum LibTorchLogLevel
{
    /// <summary>Everything, including informational messages (0).</summary>
    Info = 0,

    /// <summary>Warnings and worse (1, libtorch's default).</summary>
    Warning = 1,

    /// <summary>Errors and worse (2).</summary>
    Error = 2,

    /// <summary>Fatal messages only (3).</summary>
    Fatal = 3,
}
