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
        // The official int16 additions as tables: hue wraps modulo 180 (Python's %, never negative), S and V clip.
        Span<byte> hueLut = stackalloc byte[256];
        Span<byte> saturationLut = stackalloc byte[256];
        Span<byte> valueLut = stackalloc byte[256];
        for (var x = 0; x < 256; x++)
        {
            var nh = (x + hue) % 180;
            hueLut[x] = (byte)(nh < 0 ? nh + 180 : nh);
            saturationLut[x] = (byte)Math.Clamp(x + saturation, 0, 255);
            valueLut[x] = (byte)Math.Clamp(x + value, 0, 255);
        }
        HsvLutRemap.Apply(image, hueLut, saturationLut, valueLut, rounding);
    }
}
