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
        // The result is a pure function of (colour, code path), and images repeat colours (pads, flat areas), so a
        // small direct-mapped memo per thread saves most conversions without changing any value.
        var memo = ColourMemo.ForThread();
        for (var y = 0; y < image.Height; y++)
        {
            var row = image.Row(y);
            for (int x = 0, i = 0; x < image.Width; x++, i += 3)
            {
                var simd = x < simdPixels;
                var key = (row[i] << 17) | (row[i + 1] << 9) | (row[i + 2] << 1) | (simd ? 1 : 0);
                var slot = (int)((uint)(key * -1640531535) >> (32 - ColourMemo.Bits));
                if (memo.Keys[slot] != key + 1)
                {
                    memo.Keys[slot] = key + 1;
                    var (h, s, v) = OpenCvHsv.BgrToHsv(row[i], row[i + 1], row[i + 2]);
                    memo.Values[slot] = Convert(hueLut[h], saturationLut[s], valueLut[v], rounding, simd);
                }
                var packed = memo.Values[slot];
                row[i] = (byte)packed;
                row[i + 1] = (byte)(packed >> 8);
                row[i + 2] = (byte)(packed >> 16);
            }
        }
    }

    private static int Convert(byte h, byte s, byte v, HsvRounding rounding, bool simd)
    {
        var (b, g, r) = rounding == HsvRounding.OpenCvScalar ? OpenCvHsv.HsvToBgr(h, s, v)
            : simd ? OpenCvHsv.HsvToBgrSimd(h, s, v)
            : OpenCvHsv.HsvToBgrScalarFused(h, s, v);
        return b | (g << 8) | (r << 16);
    }

    /// <summary>Per-thread memo of converted colours for one image (cleared per call: the tables change).</summary>
    private sealed class ColourMemo
    {
        public const int Bits = 16;

        [ThreadStatic]
        private static ColourMemo? _current;

        public int[] Keys { get; } = new int[1 << Bits];

        public int[] Values { get; } = new int[1 << Bits];

        public static ColourMemo ForThread()
        {
            var memo = _current ??= new ColourMemo();
            Array.Clear(memo.Keys);
            return memo;
        }
    }
}
