namespace YoloX.Core.Export;

/// <summary>
/// Keys of the <c>metadata_props</c> our exporter writes, so that a reader (our ONNX Runtime backend) needs nothing
/// but the file. Values are strings; booleans are <c>true</c>/<c>false</c>, numbers invariant-culture.
/// </summary>
public static class OnnxMetadataKeys
{
    /// <summary>Class names, a JSON array of strings.</summary>
    public const string Names = "names";

    /// <summary>Number of classes C.</summary>
    public const string NumClasses = "num_classes";

    /// <summary>The preset name (e.g. <c>Nano</c>), or <c>custom</c>.</summary>
    public const string Preset = "preset";

    /// <summary>The nominal input width in pixels (also for a file with dynamic height and width).</summary>
    public const string InputWidth = "input_width";

    /// <summary>The nominal input height in pixels.</summary>
    public const string InputHeight = "input_height";

    /// <summary>Whether boxes are decoded to (cx, cy, w, h) in input pixels.</summary>
    public const string Decoded = "decoded";

    /// <summary>Whether the graph ends in NonMaxSuppression with a <c>[K, 7]</c> output.</summary>
    public const string Nms = "nms";

    /// <summary>NMS score threshold baked into the graph.</summary>
    public const string NmsScoreThreshold = "nms_score_threshold";

    /// <summary>NMS IoU threshold baked into the graph.</summary>
    public const string NmsIouThreshold = "nms_iou_threshold";

    /// <summary>NMS: most boxes per image and class.</summary>
    public const string MaxDetections = "max_detections";

    /// <summary>Strides of the output levels, comma separated.</summary>
    public const string Strides = "strides";

    /// <summary>The exporting tool and its version.</summary>
    public const string ToolVersion = "tool_version";
}
