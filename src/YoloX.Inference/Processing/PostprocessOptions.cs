namespace YoloX.Inference.Processing;

/// <summary>Thresholds of the official <c>postprocess</c> plus a cap on the number of detections.</summary>
/// <param name="Confidence">Keep a box when objectness × best class probability ≥ this.</param>
/// <param name="Nms">IoU above which a lower-scored box of the same class is suppressed.</param>
/// <param name="MaxDetections">Keep at most this many boxes per image (highest scores).</param>
/// <param name="ClassAgnostic">Suppress across classes instead of within each class.</param>
/// <param name="ClipBoxes">
/// Clip boxes to the image. The official evaluator does not clip (boxes may reach past the border), so turn this
/// off to reproduce its COCO results exactly.
/// </param>
public sealed record PostprocessOptions(
    float Confidence = 0.3f, float Nms = 0.45f, int MaxDetections = 300, bool ClassAgnostic = false, bool ClipBoxes = true)
{
    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> when a value is out of range.</summary>
    public void Validate()
    {
        if (!(Confidence >= 0f && Confidence <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(Confidence), Confidence, "The confidence threshold must be in [0, 1].");
        }
        if (!(Nms > 0f && Nms <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(Nms), Nms, "The NMS IoU threshold must be in (0, 1].");
        }
        if (MaxDetections <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDetections), MaxDetections, "The maximum number of detections must be positive.");
        }
    }
}
