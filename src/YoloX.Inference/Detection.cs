namespace YoloX.Inference;

/// <summary>An axis-aligned box in pixel coordinates, corners (X1, Y1) top-left and (X2, Y2) bottom-right.</summary>
/// <param name="X1">Left edge.</param>
/// <param name="Y1">Top edge.</param>
/// <param name="X2">Right edge.</param>
/// <param name="Y2">Bottom edge.</param>
public readonly record struct BoundingBox(float X1, float Y1, float X2, float Y2)
{
    /// <summary>Width (never negative).</summary>
    public float Width => MathF.Max(0f, X2 - X1);

    /// <summary>Height (never negative).</summary>
    public float Height => MathF.Max(0f, Y2 - Y1);

    /// <summary>Area in square pixels.</summary>
    public float Area => Width * Height;
}

/// <summary>One detected object.</summary>
/// <param name="Box">The box in original image pixels, clipped to the image.</param>
/// <param name="Score">Objectness × class probability, in [0, 1].</param>
/// <param name="ClassId">Contiguous class index (0-based) of the model's output.</param>
/// <param name="ClassName">The class's name (model metadata, user-given names, or COCO names by default).</param>
public sealed record Detection(BoundingBox Box, float Score, int ClassId, string ClassName);

/// <summary>Where the time of one detection call went.</summary>
/// <param name="Preprocess">Decode-free pre-processing: letterbox and tensor fill.</param>
/// <param name="Inference">The backend's forward pass.</param>
/// <param name="Postprocess">Grid decoding, confidence filter, NMS and mapping back to the image.</param>
public readonly record struct DetectionTimings(TimeSpan Preprocess, TimeSpan Inference, TimeSpan Postprocess);

/// <summary>The detections in one image.</summary>
/// <param name="Source">The image's path or a caller-given name; empty for in-memory images.</param>
/// <param name="Width">Original image width in pixels (after EXIF orientation).</param>
/// <param name="Height">Original image height in pixels (after EXIF orientation).</param>
/// <param name="Detections">Detections sorted by descending score.</param>
/// <param name="Timings">Per-stage timings of this call (shared by all images of a batch call).</param>
public sealed record DetectionResult(
    string Source, int Width, int Height, IReadOnlyList<Detection> Detections, DetectionTimings Timings)
{
    /// <summary>
    /// Output rows dropped because the model gave NaN or infinite values in them (a diverged or broken model); 0 for
    /// a healthy one.
    /// </summary>
    public int NonFiniteRows { get; init; }
}
