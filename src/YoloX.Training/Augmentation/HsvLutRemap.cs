namespace YoloX.Training.Augmentation;

/// <summary>
/// The shared core of the HSV jitters: BGR → OpenCV 8-bit HSV, one lookup table per channel, HSV → BGR with the
/// chosen OpenCV arithmetic, in place. Both the official additive jitter (<see cref="HsvAugment"/>) and MindYOLO's
/// multiplicative one (<see cref="FractionalHsvAugment"/>) are such a per-channel table on the HSV image.
/// </summary>
internal static class HsvLutRemap
{
    /// <summary>Maps every pixel through the tables (each 256 entries; hue results must be below 180), in place.</summary>
    public static void Apply(BgrImage image, ReadOnlySpan<byte> hueLut, ReadOnlySpan<byte> saturationLut, ReadOnlySpan<byte> valueLut, HsvRounding rounding)
    {
        ArgumentNullException.ThrowIfNull(image);
        // OpenCV's AVX2 kernel takes 32 pixels at a time from the start of each row; the rest goes through scalar code.
        var simdPixels = rounding == HsvRounding.OpenCvAvx2 ? image.Width / 32 * 32 : 0;
        var (main, tail) = rounding == HsvRounding.OpenCvAvx2 ? (FactorTable.Simd, FactorTable.ScalarFused) : (FactorTable.Scalar, FactorTable.Scalar);
        // V as the float the conversion multiplies (v/255); the HSV->BGR factors depend on (h, s) only, so they are
        // a precomputed table per OpenCV code path.
        Span<float> valueMap = stackalloc float[256];
        for (var i = 0; i < 256; i++)
            valueMap[i] = valueLut[i] * InverseByte;
        for (var y = 0; y < image.Height; y++)
        {
            var row = image.Row(y);
            ConvertRun(row[..(simdPixels * 3)], main.Factors, main.Truncates, hueLut, saturationLut, valueMap);
            ConvertRun(row[(simdPixels * 3)..], tail.Factors, tail.Truncates, hueLut, saturationLut, valueMap);
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
