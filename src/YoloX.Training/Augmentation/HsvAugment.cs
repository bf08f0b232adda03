namespace YoloX.Training.Augmentation;

/// <summary>
/// The official <c>augment_hsv</c>: random gains for H, S and V (each kept or zeroed at random), added in OpenCV's
/// 8-bit HSV (hue wraps modulo 180, S and V clip to 0–255). Works in place. Draws: one
/// <c>np.random.uniform(-1, 1, 3)</c>, then one <c>np.random.randint(0, 2, 3)</c>.
/// </summary>
/// <param name="HueGain">Largest hue change (OpenCV units, 0–180), official 5.</param>
/// <param name="SaturationGain">Largest saturation change, official 30.</param>
/// <param name="ValueGain">Largest value change, official 30.</param>
/// <param name="Rounding">Which OpenCV HSV→BGR arithmetic to reproduce (default: the x86 AVX2 build's, bit-exact).</param>
public sealed record HsvAugment(int HueGain = 5, int SaturationGain = 30, int ValueGain = 30, HsvRounding Rounding = HsvRounding.OpenCvAvx2) : IAugmentation
{
    /// <inheritdoc />
    public LabeledImage Apply(LabeledImage sample, AugmentationContext context)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(context);
        var (dh, ds, dv) = DrawGains(context.Random);
        ApplyGains(sample.Image, dh, ds, dv, Rounding);
        return sample;
    }

    /// <summary>The official draws: gains = int16(u · [h, s, v] · mask), truncated toward zero.</summary>
    public (int Hue, int Saturation, int Value) DrawGains(IRandomSource random)
    {
        ArgumentNullException.ThrowIfNull(random);
        Span<double> u = stackalloc double[3];
        Span<int> mask = stackalloc int[3];
        random.UniformArray(-1, 1, u);
        random.RandIntArray(0, 2, mask);
        return ((int)(u[0] * HueGain * mask[0]), (int)(u[1] * SaturationGain * mask[1]), (int)(u[2] * ValueGain * mask[2]));
    }

    /// <summary>Adds the gains to every pixel in HSV space, in place.</summary>
    public static void ApplyGains(BgrImage image, int hue, int saturation, int value, HsvRounding rounding = HsvRounding.OpenCvAvx2)
    {
        ArgumentNullException.ThrowIfNull(image);
        // OpenCV's AVX2 kernel takes 32 pixels at a time from the start of each row; the rest goes through scalar code.
        var simdPixels = rounding == HsvRounding.OpenCvAvx2 ? image.Width / 32 * 32 : 0;
        for (var y = 0; y < image.Height; y++)
        {
            var row = image.Row(y);
            for (int x = 0, i = 0; x < image.Width; x++, i += 3)
            {
                var (h, s, v) = OpenCvHsv.BgrToHsv(row[i], row[i + 1], row[i + 2]);
                var nh = (h + hue) % 180;
                if (nh < 0)
                    nh += 180;
                var ns = (byte)Math.Clamp(s + saturation, 0, 255);
                var nv = (byte)Math.Clamp(v + value, 0, 255);
                var (b, g, r) = rounding == HsvRounding.OpenCvScalar ? OpenCvHsv.HsvToBgr((byte)nh, ns, nv)
                    : x < simdPixels ? OpenCvHsv.HsvToBgrSimd((byte)nh, ns, nv)
                    : OpenCvHsv.HsvToBgrScalarFused((byte)nh, ns, nv);
                row[i] = b;
                row[i + 1] = g;
                row[i + 2] = r;
            }
        }
    }
}
