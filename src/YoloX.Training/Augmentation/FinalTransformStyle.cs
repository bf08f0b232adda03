namespace YoloX.Training.Augmentation;

/// <summary>Which last step finishes a training sample (recipe key <c>final_transform</c>).</summary>
public enum FinalTransformStyle
{
    /// <summary>
    /// [<c>official</c>] YOLOX's <c>TrainTransform</c> (<see cref="TrainTransform"/>): no jitter on images without
    /// boxes, HSV and flip, letterbox at the top-left, boxes of 1 px or less dropped (with the official fallback).
    /// </summary>
    Official,

    /// <summary>
    /// [<c>mindyolo</c>] MindYOLO's chain (<see cref="MindYoloTransform"/>): centred letterbox without upscaling, then
    /// HSV and flip on every image, every box kept.
    /// </summary>
    MindYolo,
}
