namespace YoloX.Training.Augmentation;

/// <summary>
/// The official <c>TrainTransform</c>: HSV (with probability <see cref="HsvProbability"/>), horizontal flip,
/// letterbox to the input size (resize by <c>min(H/h, W/w)</c>, top-left on a 114 canvas), boxes to
/// <c>[class, cx, cy, w, h]</c>, boxes with <c>min(w, h) ≤ 1</c> px dropped and the rest padded (or cut) to
/// <see cref="MaxLabels"/> rows.
/// </summary>
/// <remarks>
/// Draws: none for an image without boxes; otherwise <c>random.random()</c> for HSV (and the HSV draws when it
/// fires), then the flip's <c>random.random()</c>, whatever the probabilities. If no box survives, the official
/// fallback applies: the original image (before HSV and flip) is letterboxed and its boxes are returned unfiltered.
/// </remarks>
/// <param name="MaxLabels">Label rows (official 50 on the plain path, 120 behind Mosaic).</param>
/// <param name="FlipProbability">Official <c>flip_prob</c>.</param>
/// <param name="HsvProbability">Official <c>hsv_prob</c>.</param>
/// <param name="Hsv">The HSV step (gains).</param>
/// <param name="FractionalHsv">MindYOLO's multiplicative HSV step; when set it replaces <paramref name="Hsv"/>.</param>
public sealed record TrainTransform(
    int MaxLabels = 50, double FlipProbability = 0.5, double HsvProbability = 1.0, HsvAugment? Hsv = null, FractionalHsvAugment? FractionalHsv = null)
    : ITrainTransform
{
    /// <inheritdoc />
    public TrainSample Apply(LabeledImage sample, AugmentationContext context)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(context);
        var labels = new float[MaxLabels * 5];
        if (sample.Boxes.Length == 0)
            return new TrainSample(Letterbox(sample.Image, context.InputSize, out _), labels, 0);

        // All draws come first (they do not depend on the pixels), so that the pixels are only touched when a box
        // survives; otherwise the official fallback needs the untouched input and we avoid copying it.
        var random = context.Random;
        var hsvFires = random.NextDouble() < HsvProbability;
        (int H, int S, int V)? gains = hsvFires && FractionalHsv is null ? (Hsv ?? new HsvAugment()).DrawGains(random) : null;
        (double H, double S, double V)? factors = hsvFires && FractionalHsv is not null ? FractionalHsv.DrawFactors(random) : null;
        var flip = random.NextDouble() < FlipProbability;
        var ratio = Ratio(sample.Image, context.InputSize);
        var imageWidth = (double)sample.Image.Width;
        var count = 0;
        foreach (var original in sample.Boxes)
        {
            var box = flip ? original with { X1 = imageWidth - original.X2, X2 = imageWidth - original.X1 } : original;
            var (cx, cy, w, h) = ToCxCyWh(box, ratio);
            if (!(Math.Min(w, h) > 1))
                continue;
            if (count < MaxLabels)
                WriteRow(labels, count, box.ClassId, cx, cy, w, h);
            count++;
        }
        if (count > 0)
        {
            if (gains is { } g)
                HsvAugment.ApplyGains(sample.Image, g.H, g.S, g.V, Hsv?.Rounding ?? HsvRounding.OpenCvAvx2);
            if (factors is { } r)
                FractionalHsvAugment.ApplyFactors(sample.Image, r.H, r.S, r.V, FractionalHsv!.Rounding);
            if (flip)
                HorizontalFlip.MirrorInPlace(sample.Image);
            return new TrainSample(Letterbox(sample.Image, context.InputSize, out _), labels, Math.Min(count, MaxLabels));
        }

        // Nothing survived: the official code falls back to the untouched input and its boxes, unfiltered, unflipped.
        foreach (var box in sample.Boxes)
        {
            if (count == MaxLabels)
                break;
            var (cx, cy, w, h) = ToCxCyWh(box, ratio);
            WriteRow(labels, count++, box.ClassId, cx, cy, w, h);
        }
        return new TrainSample(Letterbox(sample.Image, context.InputSize, out _), labels, count);
    }

    private static double Ratio(BgrImage image, (int Height, int Width) inputSize) =>
        Math.Min((double)inputSize.Height / image.Height, (double)inputSize.Width / image.Width);

    /// <summary>
    /// The official <c>preproc</c> on bytes: resize by <c>r = min(H/h, W/w)</c> to <c>(int(w·r), int(h·r))</c> with
    /// OpenCV's INTER_LINEAR and paste top-left on an H×W canvas of 114.
    /// </summary>
    public static BgrImage Letterbox(BgrImage image, (int Height, int Width) inputSize, out double ratio)
    {
        ArgumentNullException.ThrowIfNull(image);
        ratio = Ratio(image, inputSize);
        var w = (int)(image.Width * ratio);
        var h = (int)(image.Height * ratio);
        if (w == inputSize.Width && h == inputSize.Height && w == image.Width && h == image.Height)
            return image;
        var canvas = BgrImage.Filled(inputSize.Width, inputSize.Height, 114);
        if (w > 0 && h > 0)
        {
            // OpenCV's resize to the same size is a copy: paste the image itself.
            var resized = w == image.Width && h == image.Height ? image : OpenCvResize.Linear(image, w, h);
            resized.CopyBlockTo(canvas, 0, 0, 0, 0, w, h);
            if (!ReferenceEquals(resized, image))
                resized.Recycle();
        }
        return canvas;
    }

    // yolox.utils.xyxy2cxcywh, then × r (the official order of operations, in float64).
    private static (double Cx, double Cy, double W, double H) ToCxCyWh(LabeledBox box, double r)
    {
        var w = box.X2 - box.X1;
        var h = box.Y2 - box.Y1;
        var cx = box.X1 + w * 0.5;
        var cy = box.Y1 + h * 0.5;
        return (cx * r, cy * r, w * r, h * r);
    }

    private static void WriteRow(float[] labels, int row, int classId, double cx, double cy, double w, double h)
    {
        var o = row * 5;
        labels[o] = classId;
        labels[o + 1] = (float)cx;
        labels[o + 2] = (float)cy;
        labels[o + 3] = (float)w;
        labels[o + 4] = (float)h;
    }
}
