namespace YoloX.Training.Augmentation;

/// <summary>
/// The end of MindYOLO's YOLOX pipelines (<c>mindyolo/data/dataset.py</c>, <c>configs/yolox/hyp.scratch.yaml</c>):
/// <c>letterbox(scaleup=False)</c> — only on the plain path, since a Mosaic sample already has the input size — then
/// <c>hsv_augment</c>, <c>fliplr</c>, <c>label_norm</c> and <c>label_pad</c>. Unlike the official
/// <see cref="TrainTransform"/>: the image is centred (padding split as YOLOv5 does: <c>round(d ∓ 0.1)</c> rows
/// above/below), never enlarged, jittered and flipped even without boxes, and no box is dropped.
/// </summary>
/// <remarks>
/// Boxes follow the letterbox as MindYOLO's do for pixel boxes: scaled by the ratio, then shifted by half the padding
/// as a float (so with an odd padding they sit half a pixel off the pasted image, as in MindYOLO). Draws:
/// <c>random()</c> for HSV (and the HSV step's draws when it fires), then <c>random()</c> for the flip, always.
/// MindYOLO's extra <c>random() &lt; 1.0</c> per listed transform is not drawn (our stream is not Python's anyway).
/// </remarks>
/// <param name="MaxLabels">Label rows (MindYOLO's <c>label_pad</c> 160).</param>
/// <param name="FlipProbability">Flip probability (0.5).</param>
/// <param name="HsvProbability">HSV probability (1.0).</param>
/// <param name="Hsv">The HSV step; null = MindYOLO's <see cref="FractionalHsvAugment"/> with its YOLOX gains.</param>
public sealed record MindYoloTransform(
    int MaxLabels = 160, double FlipProbability = 0.5, double HsvProbability = 1.0, IAugmentation? Hsv = null) : ITrainTransform
{
    /// <inheritdoc />
    public TrainSample Apply(LabeledImage sample, AugmentationContext context)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(context);
        var image = Letterbox(sample.Image, context.InputSize, out var ratio, out var pad);
        var boxes = new LabeledBox[sample.Boxes.Length];
        for (var i = 0; i < boxes.Length; i++)
        {
            var b = sample.Boxes[i];
            boxes[i] = b with
            {
                X1 = (b.X1 * ratio) + pad.X, Y1 = (b.Y1 * ratio) + pad.Y,
                X2 = (b.X2 * ratio) + pad.X, Y2 = (b.Y2 * ratio) + pad.Y,
            };
        }
        var labeled = new LabeledImage(image, boxes);
        if (context.Random.NextDouble() < HsvProbability)
            labeled = (Hsv ?? new FractionalHsvAugment()).Apply(labeled, context);
        labeled = new HorizontalFlip(FlipProbability).Apply(labeled, context);
        return new TrainSample(labeled.Image, Labels(labeled.Boxes), Math.Min(labeled.Boxes.Length, MaxLabels));
    }

    /// <summary>
    /// YOLOv5's <c>letterbox(new_shape, scaleup=False)</c> on bytes: <c>r = min(H/h, W/w, 1)</c>, resize (INTER_LINEAR)
    /// to <c>(round(w·r), round(h·r))</c> if that differs, pad with 114 to H×W, centred; returns the input itself
    /// when it already has the input size. <paramref name="pad"/> is the float half-padding boxes are shifted by.
    /// </summary>
    public static BgrImage Letterbox(BgrImage image, (int Height, int Width) inputSize, out double ratio, out (double X, double Y) pad)
    {
        ArgumentNullException.ThrowIfNull(image);
        ratio = Math.Min(1.0, Math.Min((double)inputSize.Height / image.Height, (double)inputSize.Width / image.Width));
        var (w, h) = ((int)Math.Round(image.Width * ratio), (int)Math.Round(image.Height * ratio)); // Python's round: to even
        pad = ((inputSize.Width - w) / 2.0, (inputSize.Height - h) / 2.0);
        if (image.Width == inputSize.Width && image.Height == inputSize.Height)
            return image;
        var canvas = BgrImage.Filled(inputSize.Width, inputSize.Height, 114);
        if (w == 0 || h == 0)
            return canvas; // a sliver that rounds to nothing: only padding is left
        var resized = w == image.Width && h == image.Height ? image : OpenCvResize.Linear(image, w, h);
        var (top, left) = ((int)Math.Round(pad.Y - 0.1), (int)Math.Round(pad.X - 0.1));
        resized.CopyBlockTo(canvas, 0, 0, left, top, w, h);
        if (!ReferenceEquals(resized, image))
            resized.Recycle();
        return canvas;
    }

    // label_norm (xyxy → cx, cy, w, h; kept in input pixels, which is what the loss takes) and label_pad.
    private float[] Labels(LabeledBox[] boxes)
    {
        var labels = new float[MaxLabels * 5];
        for (var i = 0; i < Math.Min(boxes.Length, MaxLabels); i++)
        {
            var b = boxes[i];
            var o = i * 5;
            labels[o] = b.ClassId;
            labels[o + 1] = (float)((b.X1 + b.X2) / 2);
            labels[o + 2] = (float)((b.Y1 + b.Y2) / 2);
            labels[o + 3] = (float)(b.X2 - b.X1);
            labels[o + 4] = (float)(b.Y2 - b.Y1);
        }
        return labels;
    }
}
