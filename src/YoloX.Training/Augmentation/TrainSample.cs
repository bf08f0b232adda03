namespace YoloX.Training.Augmentation;

/// <summary>
/// One finished training sample, what the official <c>TrainTransform</c> returns: the image letterboxed to the input
/// size (top-left, 114 padding) and <c>MaxLabels</c> rows of <c>[class, cx, cy, w, h]</c> (float32, zero padded).
/// </summary>
/// <param name="Image">The input-size image (BGR bytes; the batch holds it as float CHW).</param>
/// <param name="Labels">MaxLabels × 5 values, row-major.</param>
/// <param name="LabelCount">How many leading rows are real boxes.</param>
public sealed record TrainSample(BgrImage Image, float[] Labels, int LabelCount);
