namespace YoloX.Training.Augmentation;

/// <summary>
/// The official Mosaic (first half of <c>MosaicDetection.__getitem__</c>): the input and three random images of the
/// dataset are placed around a random centre <c>(xc, yc)</c> on a 2H×2W canvas of 114; boxes follow and are clipped
/// to the canvas. The random affine that shrinks the canvas back to H×W is a separate step
/// (<see cref="RandomAffine"/>). Draws: <c>yc = int(uniform(0.5·H, 1.5·H))</c>, <c>xc</c> likewise, then three
/// <c>randint(0, len − 1)</c>.
/// </summary>
public sealed class Mosaic : IAugmentation
{
    /// <summary>The shared instance (the step has no settings besides the context's input size).</summary>
    public static Mosaic Instance { get; } = new();

    /// <inheritdoc />
    public LabeledImage Apply(LabeledImage sample, AugmentationContext context)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(context);
        var samples = context.Samples ?? throw new InvalidOperationException("Mosaic needs the dataset (AugmentationContext.Samples).");
        var (inputH, inputW) = context.InputSize;
        var random = context.Random;
        var yc = (int)random.Uniform(0.5 * inputH, 1.5 * inputH);
        var xc = (int)random.Uniform(0.5 * inputW, 1.5 * inputW);
        Span<int> others = stackalloc int[3];
        for (var i = 0; i < 3; i++)
            others[i] = random.RandInt(0, samples.Count - 1);

        var canvas = BgrImage.Filled(2 * inputW, 2 * inputH, 114);
        var boxes = new List<LabeledBox>();
        for (var tile = 0; tile < 4; tile++)
        {
            var source = tile == 0 ? sample : samples.Load(others[tile - 1]);
            var (h0, w0) = (source.Image.Height, source.Image.Width);
            var scale = Math.Min((double)inputH / h0, (double)inputW / w0);
            var (w, h) = ((int)(w0 * scale), (int)(h0 * scale));
            // OpenCV's resize to the same size (the usual case: Load has fitted the image already) is a copy.
            var image = w == w0 && h == h0 ? source.Image : OpenCvResize.Linear(source.Image, w, h);
            var (lx1, ly1, lx2, ly2, sx1, sy1) = Placement(tile, xc, yc, w, h, inputH, inputW);
            image.CopyBlockTo(canvas, sx1, sy1, lx1, ly1, lx2 - lx1, ly2 - ly1);
            if (!ReferenceEquals(image, source.Image))
                image.Recycle();
            if (tile > 0)
                source.Image.Recycle(); // Load hands out a copy the caller owns; tile 0 is the caller's
            var (padW, padH) = (lx1 - sx1, ly1 - sy1);
            foreach (var b in source.Boxes)
            {
                boxes.Add(b with
                {
                    X1 = Math.Clamp(scale * b.X1 + padW, 0, 2 * inputW), Y1 = Math.Clamp(scale * b.Y1 + padH, 0, 2 * inputH),
                    X2 = Math.Clamp(scale * b.X2 + padW, 0, 2 * inputW), Y2 = Math.Clamp(scale * b.Y2 + padH, 0, 2 * inputH),
                });
            }
        }
        return new LabeledImage(canvas, [.. boxes]);
    }

    /// <summary>
    /// The official <c>get_mosaic_coordinate</c>: where tile <paramref name="tile"/> (0 top-left, 1 top-right,
    /// 2 bottom-left, 3 bottom-right) of size w×h lands on the canvas, and the top-left of the part of it used.
    /// </summary>
    public static (int X1, int Y1, int X2, int Y2, int SourceX, int SourceY) Placement(
        int tile, int xc, int yc, int w, int h, int inputH, int inputW)
    {
        int x1, y1, x2, y2, sx, sy;
        switch (tile)
        {
            case 0:
                (x1, y1, x2, y2) = (Math.Max(xc - w, 0), Math.Max(yc - h, 0), xc, yc);
                (sx, sy) = (w - (x2 - x1), h - (y2 - y1));
                break;
            case 1:
                (x1, y1, x2, y2) = (xc, Math.Max(yc - h, 0), Math.Min(xc + w, inputW * 2), yc);
                (sx, sy) = (0, h - (y2 - y1));
                break;
            case 2:
                (x1, y1, x2, y2) = (Math.Max(xc - w, 0), yc, xc, Math.Min(inputH * 2, yc + h));
                (sx, sy) = (w - (x2 - x1), 0);
                break;
            case 3:
                (x1, y1, x2, y2) = (xc, yc, Math.Min(xc + w, inputW * 2), Math.Min(inputH * 2, yc + h));
                (sx, sy) = (0, 0);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(tile), tile, "A Mosaic has tiles 0..3.");
        }
        return (x1, y1, x2, y2, sx, sy);
    }
}
