using YoloX.Inference.Processing;

namespace YoloX.Inference;

/// <summary>Settings of a <see cref="YoloXDetector"/> beyond its backend.</summary>
/// <param name="Postprocess">Thresholds, NMS mode and detection cap.</param>
/// <param name="ClassNames">Names by class id; <c>null</c>: the model's metadata, else COCO for 80 classes, else "class_i".</param>
/// <param name="MaxBatchSize">Most images per forward pass in batch calls (for models with a dynamic batch).</param>
/// <param name="MaxImagePixels">
/// Largest encoded image (width × height) the detector decodes; larger ones are refused from their header with
/// <see cref="ImageDecodeException"/> before any pixel memory is allocated (decompression bombs).
/// </param>
public sealed record YoloXDetectorOptions(
    PostprocessOptions Postprocess, IReadOnlyList<string>? ClassNames = null, int MaxBatchSize = 8,
    long MaxImagePixels = ImageDecoder.MaxPixels)
{
    /// <summary>Official demo thresholds (confidence 0.3, NMS 0.45), up to 300 boxes, class-aware NMS.</summary>
    public static YoloXDetectorOptions Default { get; } = new(new PostprocessOptions());

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Postprocess);
        Postprocess.Validate();
        if (MaxBatchSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBatchSize), MaxBatchSize, "The batch size must be positive.");
        }
        if (MaxImagePixels <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxImagePixels), MaxImagePixels, "The image pixel limit must be positive.");
        }
        if (ClassNames is not null && ClassNames.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("Class names must not be empty.", nameof(ClassNames));
        }
    }
}
