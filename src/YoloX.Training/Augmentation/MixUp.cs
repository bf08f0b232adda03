using System.Numerics;

namespace YoloX.Training.Augmentation;

/// <summary>
/// The official <c>MosaicDetection.mixup</c>: a random image with boxes (redrawn until it has some) is letterboxed
/// on a 114 canvas of the input size, scaled by a jitter from <see cref="Scale"/>, flipped with probability ½, placed
/// on a zero canvas, cropped at a random offset and averaged 50/50 with the input (float32, truncated to bytes); its
/// boxes follow and are appended. Draws: <c>jit = uniform(*mixup_scale)</c>, <c>uniform(0, 1) &gt; 0.5</c> for the
/// flip, <c>randint(0, len − 1)</c> until an image has boxes, then <c>randint</c> y and x offsets when the jittered
/// canvas is taller / wider than the input.
/// </summary>
/// <param name="Scale">Jitter range (official <c>mixup_scale</c>, (0.5, 1.5)).</param>
public sealed record MixUp((double Low, double High) Scale) : IAugmentation
{
    /// <inheritdoc />
    public LabeledImage Apply(LabeledImage sample, AugmentationContext context)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(context);
        var samples = context.Samples ?? throw new InvalidOperationException("MixUp needs the dataset (AugmentationContext.Samples).");
        var random = context.Random;
        var (inputH, inputW) = context.InputSize;
        var jitter = random.Uniform(Scale.Low, Scale.High);
        var flip = random.Uniform(0, 1) > 0.5;
        int index;
        var attempts = 0;
        do
        {
            if (++attempts > 1000 * Math.Max(1, samples.Count))
                throw new InvalidOperationException("MixUp found no image with boxes in the dataset.");
            index = random.RandInt(0, samples.Count - 1);
        }
        while (!samples.HasBoxes(index));
        var partner = samples.Load(index);

        var letterbox = BgrImage.Filled(inputW, inputH, 114);
        var ratio = Math.Min((double)inputH / partner.Image.Height, (double)inputW / partner.Image.Width);
        var (rw, rh) = ((int)(partner.Image.Width * ratio), (int)(partner.Image.Height * ratio));
        var fitted = rw == partner.Image.Width && rh == partner.Image.Height ? partner.Image : OpenCvResize.Linear(partner.Image, rw, rh);
        fitted.CopyBlockTo(letterbox, 0, 0, 0, 0, rw, rh);
        if (!ReferenceEquals(fitted, partner.Image))
            fitted.Recycle();
        partner.Image.Recycle(); // Load hands out a copy the caller owns
        var jittered = OpenCvResize.Linear(letterbox, (int)(inputW * jitter), (int)(inputH * jitter));
        letterbox.Recycle();
        ratio *= jitter;
        if (flip)
            HorizontalFlip.MirrorInPlace(jittered);

        var (originH, originW) = (jittered.Height, jittered.Width);
        var (targetH, targetW) = (sample.Image.Height, sample.Image.Width);
        var paddedH = Math.Max(originH, targetH);
        var paddedW = Math.Max(originW, targetW);
        var yOffset = paddedH > targetH ? random.RandInt(0, paddedH - targetH - 1) : 0;
        var xOffset = paddedW > targetW ? random.RandInt(0, paddedW - targetW - 1) : 0;
        Blend(sample.Image, jittered, xOffset, yOffset);
        jittered.Recycle();

        var boxes = new LabeledBox[sample.Boxes.Length + partner.Boxes.Length];
        sample.Boxes.CopyTo(boxes, 0);
        for (var i = 0; i < partner.Boxes.Length; i++)
        {
            var b = partner.Boxes[i];
            double x1 = Math.Clamp(b.X1 * ratio, 0, originW), x2 = Math.Clamp(b.X2 * ratio, 0, originW);
            var y1 = Math.Clamp(b.Y1 * ratio, 0, originH);
            var y2 = Math.Clamp(b.Y2 * ratio, 0, originH);
            if (flip)
                (x1, x2) = (originW - x2, originW - x1);
            boxes[sample.Boxes.Length + i] = b with
            {
                X1 = Math.Clamp(x1 - xOffset, 0, targetW), Y1 = Math.Clamp(y1 - yOffset, 0, targetH),
                X2 = Math.Clamp(x2 - xOffset, 0, targetW), Y2 = Math.Clamp(y2 - yOffset, 0, targetH),
            };
        }
        return new LabeledImage(sample.Image, boxes);
    }

    // origin = uint8(0.5·origin + 0.5·crop) where crop is the jittered image placed at (0, 0) of a zero canvas and
    // cut at the offsets; the float32 sum of two halves is exact, so this is (a + b) >> 1.
    private static void Blend(BgrImage origin, BgrImage jittered, int xOffset, int yOffset)
    {
        for (var y = 0; y < origin.Height; y++)
        {
            var row = origin.Row(y);
            var sy = y + yOffset;
            var covered = sy < jittered.Height ? Math.Clamp(jittered.Width - xOffset, 0, origin.Width) : 0;
            if (covered > 0)
                Average(row[..(covered * 3)], jittered.Data.AsSpan(sy * jittered.Stride + xOffset * 3, covered * 3));
            Halve(row[(covered * 3)..]);
        }
    }

    // a = (a + b) >> 1 without widening: (a & b) + ((a ^ b) >> 1).
    private static void Average(Span<byte> a, ReadOnlySpan<byte> b)
    {
        var i = 0;
        for (; i <= a.Length - Vector<byte>.Count; i += Vector<byte>.Count)
        {
            var va = new Vector<byte>(a[i..]);
            var vb = new Vector<byte>(b[i..]);
            ((va & vb) + Vector.ShiftRightLogical(va ^ vb, 1)).CopyTo(a[i..]);
        }
        for (; i < a.Length; i++)
            a[i] = (byte)((a[i] + b[i]) >> 1);
    }

    private static void Halve(Span<byte> a)
    {
        var i = 0;
        for (; i <= a.Length - Vector<byte>.Count; i += Vector<byte>.Count)
            Vector.ShiftRightLogical(new Vector<byte>(a[i..]), 1).CopyTo(a[i..]);
        for (; i < a.Length; i++)
            a[i] = (byte)(a[i] >> 1);
    }
}
