namespace YoloX.Training.Augmentation;

/// <summary>Layout conversions between the byte HWC images of the pipeline and the float CHW batches of the trainer.</summary>
public static class ImageLayout
{
    /// <summary>Writes <paramref name="image"/> as float32 CHW (B, G, R planes, values 0–255) into <paramref name="destination"/>.</summary>
    public static void ToChwFloat(BgrImage image, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(image);
        var plane = image.Width * image.Height;
        if (destination.Length != plane * 3)
            throw new ArgumentException($"Need {plane * 3} floats for a {image.Width}×{image.Height} image.", nameof(destination));
        var src = image.Data.AsSpan();
        var b = destination[..plane];
        var g = destination.Slice(plane, plane);
        var r = destination.Slice(2 * plane, plane);
        for (int i = 0, o = 0; i < plane; i++, o += 3)
        {
            b[i] = src[o];
            g[i] = src[o + 1];
            r[i] = src[o + 2];
        }
    }
}
