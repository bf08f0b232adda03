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
        var (main, tail) = rounding == HsvRounding.OpenCvAvx2 ? (FactorTable.Simd, FactorTable.ScalarFused) : (FactorTable.Scalar, FactorTable.Scalar);
        // The shifted H, S and V of each 8-bit input, and V as the float the conversion multiplies (v/255).
        Span<byte> hueMap = stackalloc byte[256];
        Span<byte> saturationMap = stackalloc byte[256];
        Span<float> valueMap = stackalloc float[256];
        for (var i = 0; i < 256; i++)
        {
            var nh = (i + hue) % 180;
            hueMap[i] = (byte)(nh < 0 ? nh + 180 : nh);
            saturationMap[i] = (byte)Math.Clamp(i + saturation, 0, 255);
            valueMap[i] = (byte)Math.Clamp(i + value, 0, 255) * InverseByte;
        }
        for (var y = 0; y < image.Height; y++)
        {
            var row = image.Row(y);
            ConvertRun(row[..(simdPixels * 3)], main.Factors, main.Truncates, hueMap, saturationMap, valueMap);
            ConvertRun(row[(simdPixels * 3)..], tail.Factors, tail.Truncates, hueMap, saturationMap, valueMap);
        }
    }

    private const float InverseByte = (float)(1.0 / 255.0);

    private static void ConvertRun(Span<byte> pixels, float[] factors, bool truncate, ReadOnlySpan<byte> hueMap,
        ReadOnlySpan<byte> saturationMap, ReadOnlySpan<float> valueMap)
    {
        for (var i = 0; i + 2 < pixels.Length; i += 3)
        {
            var (h, s, v) = OpenCvHsv.BgrToHsv(pixels[i], pixels[i + 1], pixels[i + 2]);
            var f = (hueMap[h] * 256 + saturationMap[s]) * 3;
            var vf = valueMap[v];
            // (v·factor)·255 in two float steps, exactly as the per-pixel formulas evaluate it.
            pixels[i] = ToByte(vf * factors[f], truncate);
            pixels[i + 1] = ToByte(vf * factors[f + 1], truncate);
            pixels[i + 2] = ToByte(vf * factors[f + 2], truncate);
        }
    }

    private static byte ToByte(float x, bool truncate)
    {
        var scaled = x * 255f;
        return (byte)Math.Clamp((int)(truncate ? MathF.Truncate(scaled) : MathF.Round(scaled)), 0, 255);
    }

    /// <summary>HSV→BGR factors of one OpenCV flavour for every (hue, saturation), built once on first use.</summary>
    private sealed class FactorTable
    {
        private static readonly Lazy<FactorTable> SimdTable = new(() => new FactorTable(0, true));
        private static readonly Lazy<FactorTable> ScalarFusedTable = new(() => new FactorTable(1, false));
        private static readonly Lazy<FactorTable> ScalarTable = new(() => new FactorTable(2, false));

        private FactorTable(int flavour, bool truncates)
        {
            Truncates = truncates;
            Factors = new float[180 * 256 * 3];
            for (var h = 0; h < 180; h++)
                for (var s = 0; s < 256; s++)
                {
                    var (b, g, r) = OpenCvHsv.Factors((byte)h, (byte)s, flavour);
                    var o = (h * 256 + s) * 3;
                    Factors[o] = b;
                    Factors[o + 1] = g;
                    Factors[o + 2] = r;
                }
        }

        public static FactorTable Simd => SimdTable.Value;

        public static FactorTable ScalarFused => ScalarFusedTable.Value;

        public static FactorTable Scalar => ScalarTable.Value;

        public float[] Factors { get; }

        public bool Truncates { get; }
    }
}
