namespace YoloX.Inference.Backends;

/// <summary>The ONNX Runtime execution providers this library can select.</summary>
public enum OnnxExecutionProvider
{
    /// <summary>The default CPU provider (always available).</summary>
    Cpu,

    /// <summary>NVIDIA CUDA (needs the Microsoft.ML.OnnxRuntime.Gpu native package and CUDA).</summary>
    Cuda,

    /// <summary>NVIDIA TensorRT (needs a TensorRT-enabled ONNX Runtime build).</summary>
    TensorRT,

    /// <summary>DirectML on Windows (needs Microsoft.ML.OnnxRuntime.DirectML).</summary>
    DirectML,

    /// <summary>Intel OpenVINO (needs an OpenVINO-enabled ONNX Runtime build).</summary>
    OpenVINO,

    /// <summary>AMD ROCm (needs a ROCm-enabled ONNX Runtime build).</summary>
    ROCm,

    /// <summary>oneDNN (needs a DNNL-enabled ONNX Runtime build).</summary>
    Dnnl,
}

/// <summary>ONNX Runtime session settings for <see cref="OnnxRuntimeBackend"/>.</summary>
/// <param name="ExecutionProvider">The provider to run on; CPU by default. Unavailable providers are rejected when the session is created.</param>
/// <param name="DeviceId">The GPU index for GPU providers.</param>
/// <param name="IntraOpThreads">Threads inside one operator; <c>null</c> lets ONNX Runtime choose (one per core).</param>
/// <param name="InterOpThreads">Threads across operators; <c>null</c> lets ONNX Runtime choose.</param>
/// <param name="OutputDecoded">
/// Whether the model already decodes boxes (exported with <c>decode_in_inference=True</c>). <c>null</c>: read the
/// model's <c>decoded</c> metadata, else assume raw outputs like the official ONNX files.
/// </param>
public sealed record OnnxRuntimeOptions(
    OnnxExecutionProvider ExecutionProvider = OnnxExecutionProvider.Cpu,
    int DeviceId = 0,
    int? IntraOpThreads = null,
    int? InterOpThreads = null,
    bool? OutputDecoded = null)
{
    /// <summary>CPU, ONNX Runtime's thread defaults, raw outputs.</summary>
    public static OnnxRuntimeOptions Default { get; } = new();

    /// <summary>The provider's name as ONNX Runtime lists it in <c>OrtEnv.GetAvailableProviders()</c>.</summary>
    public string ProviderName => ExecutionProvider switch
    {
        OnnxExecutionProvider.Cpu => "CPUExecutionProvider",
        OnnxExecutionProvider.Cuda => "CUDAExecutionProvider",
        OnnxExecutionProvider.TensorRT => "TensorrtExecutionProvider",
        OnnxExecutionProvider.DirectML => "DmlExecutionProvider",
        OnnxExecutionProvider.OpenVINO => "OpenVINOExecutionProvider",
        OnnxExecutionProvider.ROCm => "ROCMExecutionProvider",
        OnnxExecutionProvider.Dnnl => "DnnlExecutionProvider",
        _ => throw new ArgumentOutOfRangeException(nameof(ExecutionProvider), ExecutionProvider, null),
    };

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for out-of-range settings.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(ExecutionProvider))
        {
            throw new ArgumentOutOfRangeException(nameof(ExecutionProvider), ExecutionProvider, "Unknown execution provider.");
        }
        if (DeviceId < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(DeviceId), DeviceId, "The device index must be ≥ 0.");
        }
        if (IntraOpThreads is < 0 || InterOpThreads is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(IntraOpThreads), "Thread counts must be ≥ 0 (0 = ONNX Runtime's default).");
        }
    }
}

/// <summary>The requested execution provider is not part of the loaded ONNX Runtime build.</summary>
public sealed class ExecutionProviderUnavailableException : NotSupportedException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="provider">The provider asked for.</param>
    /// <param name="available">The providers this ONNX Runtime build offers.</param>
    public ExecutionProviderUnavailableException(string provider, IReadOnlyList<string> available)
        : base($"ONNX Runtime execution provider '{provider}' is not available in this build (available: " +
               $"{string.Join(", ", available)}). Reference the ONNX Runtime native package that contains it " +
               "(e.g. Microsoft.ML.OnnxRuntime.Gpu for CUDA/TensorRT) and its drivers, or use the CPU provider.")
    {
        Provider = provider;
        Available = available;
    }

    /// <summary>The provider asked for.</summary>
    public string Provider { get; }

    /// <summary>The providers this ONNX Runtime build offers.</summary>
    public IReadOnlyList<string> Available { get; }
}
