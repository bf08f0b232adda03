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
                    memo.Values[slot] = Convert(row[i], row[i + 1], row[i + 2], hue, saturation, value, rounding, simd);
                }
                var packed = memo.Values[slot];
                row[i] = (byte)packed;
                row[i + 1] = (byte)(packed >> 8);
                row[i + 2] = (byte)(packed >> 16);
            }
        }
    }

    private static int Convert(byte blue, byte green, byte red, int hue, int saturation, int value, HsvRounding rounding, bool simd)
    {
        var (h, s, v) = OpenCvHsv.BgrToHsv(blue, green, red);
        var nh = (h + hue) % 180;
        if (nh < 0)
            nh += 180;
        var ns = (byte)Math.Clamp(s + saturation, 0, 255);
        var nv = (byte)Math.Clamp(v + value, 0, 255);
        var (b, g, r) = rounding == HsvRounding.OpenCvScalar ? OpenCvHsv.HsvToBgr((byte)nh, ns, nv)
            : simd ? OpenCvHsv.HsvToBgrSimd((byte)nh, ns, nv)
            : OpenCvHsv.HsvToBgrScalarFused((byte)nh, ns, nv);
        return b | (g << 8) | (r << 16);
    }

    /// <summary>Per-thread memo of converted colours for one image (cleared per call: the gains change).</summary>
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
