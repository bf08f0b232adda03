using YoloX.Inference;

namespace YoloX.Extensions.Hosting;

/// <summary>
/// Settings of one detector registered with <c>services.AddYoloX(...)</c>. A plain settable class so that the options
/// system can create it and bind it from configuration (e.g. a <c>"YoloX"</c> section); checked at start by
/// <see cref="YoloXOptionsValidator"/>.
/// </summary>
public sealed class YoloXOptions
{
    /// <summary>Weights: a file path or an official name (<c>yolox_nano.onnx</c>) resolved like <see cref="YoloXBuilder.WithWeights"/>. Required.</summary>
    public string? Weights { get; set; }

    /// <summary>The preset name (<c>nano</c>, <c>tiny</c>, <c>s</c>, <c>m</c>, <c>l</c>, <c>x</c>, <c>darknet53</c>); sets the default input size.</summary>
    public string? Model { get; set; }

    /// <summary>The inference backend (default ONNX Runtime).</summary>
    public InferenceBackendKind Backend { get; set; } = InferenceBackendKind.OnnxRuntime;

    /// <summary>The Torch device (<c>cpu</c>, <c>cuda</c>, <c>cuda:1</c>) for the Torch backend.</summary>
    public string Device { get; set; } = "cpu";

    /// <summary>Confidence threshold (objectness × class probability), 0 to 1.</summary>
    public float Confidence { get; set; } = 0.3f;

    /// <summary>NMS IoU threshold, above 0 up to 1.</summary>
    public float Nms { get; set; } = 0.45f;

    /// <summary>Square input size (a multiple of 32); <c>null</c> for the model's own.</summary>
    public int? InputSize { get; set; }

    /// <summary>ONNX Runtime intra-op threads; <c>null</c> lets ONNX Runtime choose.</summary>
    public int? Threads { get; set; }

    /// <summary>Most detections kept per image.</summary>
    public int MaxDetections { get; set; } = 300;

    /// <summary>Load the model and run one blank image at host start, so that the first request does not pay for it.</summary>
    public bool WarmUp { get; set; } = true;
}
