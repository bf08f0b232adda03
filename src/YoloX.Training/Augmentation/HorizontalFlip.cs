namespace YoloX.Training.Augmentation;

/// <summary>
/// The official <c>_mirror</c>: with probability <see cref="Probability"/> the image is mirrored left–right and each
/// box becomes <c>x1' = W − x2, x2' = W − x1</c>. Draws one <c>random.random()</c>, always.
/// </summary>
/// <param name="Probability">Flip probability (official <c>flip_prob</c>, 0.5).</param>
public sealed record HorizontalFlip(double Probability = 0.5) : IAugmentation
{
    /// <inheritdoc />
    public LabeledImage Apply(LabeledImage sample, AugmentationContext context)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(context);
        if (!(context.Random.NextDouble() < Probability))
            return sample;
        MirrorInPlace(sample.Image);
        var w = (double)sample.Image.Width;
        var boxes = sample.Boxes;
        for (var i = 0; i < boxes.Length; i++)
            boxes[i] = boxes[i] with { X1 = w - boxes[i].X2, X2 = w - boxes[i].X1 };
        return sample;
    }

    /// <summary>Mirrors an image left–right in place.</summary>
    public static void MirrorInPlace(BgrImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        for (var y = 0; y < image.Height; y++)
        {
            var row = image.Row(y);
            for (int l = 0, r = (image.Width - 1) * 3; l < r; l += 3, r -= 3)
            {
                (row[l], row[r]) = (row[r], row[l]);
                (row[l + 1], row[r + 1]) = (row[r + 1], row[l + 1]);
                (row[l + 2], row[r + 2]) = (row[r + 2], row[l + 2]);
            }
        }
    }
}
