namespace YoloX.Training.Augmentation;

/// <summary>
/// MindYOLO's <c>hsv_augment</c> (<c>mindyolo/data/dataset.py</c>, the YOLOv5 jitter): factors
/// <c>r = uniform(−1, 1, 3) · [h, s, v] + 1</c>, then per-channel tables on OpenCV's 8-bit HSV image —
/// hue <c>uint8((x · r₀) mod 180)</c>, saturation <c>uint8(clip(x · r₁, 0, 255))</c>, value likewise with r₂, all in
/// float64 and truncated — and back to BGR. Works in place. Draws: one <c>np.random.uniform(-1, 1, 3)</c>.
/// </summary>
/// <param name="HueGain">Largest relative hue change (MindYOLO's YOLOX recipe 0.015).</param>
/// <param name="SaturationGain">Largest relative saturation change (0.7).</param>
/// <param name="ValueGain">Largest relative value change (0.4).</param>
/// <param name="Rounding">Which OpenCV HSV→BGR arithmetic to reproduce (default: the x86 AVX2 build's).</param>
public sealed record FractionalHsvAugment(
    double HueGain = 0.015, double SaturationGain = 0.7, double ValueGain = 0.4, HsvRounding Rounding = HsvRounding.OpenCvAvx2)
    : IAugmentation
{
    /// <inheritdoc />
    public LabeledImage Apply(LabeledImage sample, AugmentationContext context)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(context);
        var (h, s, v) = DrawFactors(context.Random);
        ApplyFactors(sample.Image, h, s, v, Rounding);
        return sample;
    }

    /// <summary>MindYOLO's draw: <c>r = np.random.uniform(-1, 1, 3) * [hgain, sgain, vgain] + 1</c>.</summary>
    public (double Hue, double Saturation, double Value) DrawFactors(IRandomSource random)
    {
        ArgumentNullException.ThrowIfNull(random);
        Span<double> u = stackalloc double[3];
        random.UniformArray(-1, 1, u);
        return (u[0] * HueGain + 1, u[1] * SaturationGain + 1, u[2] * ValueGain + 1);
    }

    /// <summary>Multiplies every pixel's H, S and V by the factors through MindYOLO's tables, in place.</summary>
    public static void ApplyFactors(BgrImage image, double hue, double saturation, double value, HsvRounding rounding = HsvRounding.OpenCvAvx2)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (!(hue >= 0 && saturation >= 0 && value >= 0) || double.IsInfinity(hue) || double.IsInfinity(saturation) || double.IsInfinity(value))
            throw new ArgumentOutOfRangeException(nameof(hue), (hue, saturation, value), "HSV factors must be finite and non-negative.");
        Span<byte> hueLut = stackalloc byte[256];
        Span<byte> saturationLut = stackalloc byte[256];
        Span<byte> valueLut = stackalloc byte[256];
        BuildTables(hue, saturation, value, hueLut, saturationLut, valueLut);
        HsvLutRemap.Apply(image, hueLut, saturationLut, valueLut, rounding);
    }

    /// <summary>
    /// MindYOLO's three tables for x = 0..255: NumPy promotes the int16 <c>arange</c> times a float64 factor to
    /// float64 (on NumPy 1 and 2 alike), takes the float modulo (exact, non-negative for non-negative factors) or
    /// the clip, and <c>astype(uint8)</c> truncates toward zero (so hues stay below 180).
    /// </summary>
    public static void BuildTables(double hue, double saturation, double value, Span<byte> hueLut, Span<byte> saturationLut, Span<byte> valueLut)
    {
        if (hueLut.Length < 256 || saturationLut.Length < 256 || valueLut.Length < 256)
            throw new ArgumentException("Each table needs 256 entries.");
        for (var x = 0; x < 256; x++)
        {
            // C#'s % on doubles is the exact fmod, which is NumPy's float % for non-negative operands.
            hueLut[x] = (byte)(x * hue % 180);
            saturationLut[x] = (byte)Math.Clamp(x * saturation, 0, 255);
            valueLut[x] = (byte)Math.Clamp(x * value, 0, 255);
        }
    }
}
