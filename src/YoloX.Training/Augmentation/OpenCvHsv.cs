namespace YoloX.Training.Augmentation;

/// <summary>
/// OpenCV's 8-bit <c>COLOR_BGR2HSV</c> / <c>COLOR_HSV2BGR</c> (hue 0–179), as the official <c>augment_hsv</c> uses
/// them. BGR→HSV is OpenCV's integer code with its 12-bit division tables (bit-exact). HSV→BGR comes in three
/// flavours: OpenCV's portable scalar float32 formula (<see cref="HsvToBgr"/>, rounded), and the two code paths of
/// its x86 AVX2 build (<see cref="HsvToBgrSimd"/>, which truncates, and <see cref="HsvToBgrScalarFused"/>); the
/// portable one differs from the AVX2 build by one grey level on ~30 % of values, never more.
/// </summary>
public static class OpenCvHsv
{
    private const int Shift = 12;
    private const float InverseByte = (float)(1.0 / 255.0);
    private const float HueToSector = (float)(6.0 / 180.0);
    private const float OneSixth = (float)(1.0 / 6.0);
    private static readonly int[] SaturationDivision = BuildTable(255 << Shift, 1.0);
    private static readonly int[] HueDivision = BuildTable(180 << Shift, 6.0);

    // Which of (v, t1, t2, t3) becomes B, G and R in each 60° sector.
    private static readonly byte[] Sectors = [1, 3, 0, 1, 0, 2, 3, 0, 1, 0, 2, 1, 0, 1, 3, 2, 1, 0];

    /// <summary>Converts one BGR pixel to 8-bit HSV (H 0–179, S and V 0–255).</summary>
    public static (byte H, byte S, byte V) BgrToHsv(byte blue, byte green, byte red)
    {
        int b = blue, g = green, r = red;
        var v = Math.Max(b, Math.Max(g, r));
        var diff = v - Math.Min(b, Math.Min(g, r));
        var s = (diff * SaturationDivision[v] + (1 << (Shift - 1))) >> Shift;
        var h = v == r ? g - b : v == g ? b - r + 2 * diff : r - g + 4 * diff;
        h = (h * HueDivision[diff] + (1 << (Shift - 1))) >> Shift;
        if (h < 0)
            h += 180;
        return ((byte)h, (byte)s, (byte)v);
    }

    /// <summary>Converts one 8-bit HSV pixel (H 0–179) back to BGR.</summary>
    public static (byte B, byte G, byte R) HsvToBgr(byte hue, byte saturation, byte value)
    {
        var s = saturation * InverseByte;
        var v = value * InverseByte;
        float b, g, r;
        if (s == 0)
        {
            b = g = r = v;
        }
        else
        {
            var h = hue * HueToSector;
            h %= 6f;
            var sector = (int)MathF.Floor(h);
            h -= sector;
            if ((uint)sector >= 6u)
            {
                sector = 0;
                h = 0;
            }
            Span<float> tab = [v, v * (1f - s), v * (1f - s * h), v * (1f - s * (1f - h))];
            b = tab[Sectors[sector * 3]];
            g = tab[Sectors[sector * 3 + 1]];
            r = tab[Sectors[sector * 3 + 2]];
        }
        return (ToByte(b), ToByte(g), ToByte(r));
    }

    /// <summary>
    /// The HSV→BGR of OpenCV's AVX2 kernel for one pixel: sector from truncation, <c>1 − s·h</c> and
    /// <c>1 − s·(1 − h)</c> fused (one rounding), <c>x·255</c> truncated, no special case for s = 0.
    /// </summary>
    public static (byte B, byte G, byte R) HsvToBgrSimd(byte hue, byte saturation, byte value)
    {
        var s = saturation * InverseByte;
        var v = value * InverseByte;
        var h = hue * HueToSector;
        var whole = MathF.Truncate(h);
        var fraction = h - whole;
        var sector = (int)(whole - MathF.Truncate(whole * OneSixth) * 6f);
        Span<float> tab = [v, v * (1f - s), v * Fused(s, fraction), v * Fused(s, 1f - fraction)];
        return (Truncate(tab[Sectors[sector * 3]]), Truncate(tab[Sectors[sector * 3 + 1]]), Truncate(tab[Sectors[sector * 3 + 2]]));
    }

    /// <summary>
    /// The HSV→BGR of OpenCV's scalar code as the AVX2 build compiles it: like <see cref="HsvToBgr"/> but with
    /// <c>1 − s·h</c> fused (the compiler contracts it; <c>1 − s·(1 − h)</c> it does not).
    /// </summary>
    public static (byte B, byte G, byte R) HsvToBgrScalarFused(byte hue, byte saturation, byte value)
    {
        var s = saturation * InverseByte;
        var v = value * InverseByte;
        if (s == 0)
        {
            var b = ToByte(v);
            return (b, b, b);
        }
        var h = hue * HueToSector;
        h %= 6f;
        var sector = (int)MathF.Floor(h);
        h -= sector;
        if ((uint)sector >= 6u)
        {
            sector = 0;
            h = 0;
        }
        Span<float> tab = [v, v * (1f - s), v * Fused(s, h), v * (1f - s * (1f - h))];
        return (ToByte(tab[Sectors[sector * 3]]), ToByte(tab[Sectors[sector * 3 + 1]]), ToByte(tab[Sectors[sector * 3 + 2]]));
    }

    /// <summary>
    /// The factors that turn V into B, G and R for one (hue, saturation): each of the three HSV→BGR flavours computes
    /// its outputs as <c>(v/255 · factor)·255</c> (then truncated or rounded), with factors that depend on hue and
    /// saturation only, so a table of them over all 180 × 256 pairs gives the flavours' exact values for any V.
    /// </summary>
    /// <param name="hue">Hue, 0–179.</param>
    /// <param name="saturation">Saturation, 0–255.</param>
    /// <param name="flavour">0: <see cref="HsvToBgrSimd"/>, 1: <see cref="HsvToBgrScalarFused"/>, 2: <see cref="HsvToBgr"/>.</param>
    internal static (float B, float G, float R) Factors(byte hue, byte saturation, int flavour)
    {
        var s = saturation * InverseByte;
        float h;
        int sector;
        if (flavour == 0)
        {
            h = hue * HueToSector;
            var whole = MathF.Truncate(h);
            h -= whole;
            sector = (int)(whole - MathF.Truncate(whole * OneSixth) * 6f);
        }
        else
        {
            if (s == 0)
                return (1f, 1f, 1f);
            h = hue * HueToSector;
            h %= 6f;
            sector = (int)MathF.Floor(h);
            h -= sector;
            if ((uint)sector >= 6u)
            {
                sector = 0;
                h = 0;
            }
        }
        Span<float> tab = [1f, 1f - s, flavour == 2 ? 1f - s * h : Fused(s, h), flavour == 0 ? Fused(s, 1f - h) : 1f - s * (1f - h)];
        return (tab[Sectors[sector * 3]], tab[Sectors[sector * 3 + 1]], tab[Sectors[sector * 3 + 2]]);
    }

    // float(1 − a·b) with one rounding: the float product is exact in double, so only the final casts round
    // (this is how the golden fixtures emulate the FMA, checked on all 180·256·256 HSV values).
    private static float Fused(float a, float b) => (float)(1.0 - (double)a * b);

    private static byte Truncate(float x) => (byte)Math.Clamp((int)MathF.Truncate(x * 255f), 0, 255);

    private static byte ToByte(float x) => (byte)Math.Clamp((int)MathF.Round(x * 255f), 0, 255);

    private static int[] BuildTable(int numerator, double factor)
    {
        var table = new int[256];
        for (var i = 1; i < 256; i++)
            table[i] = (int)Math.Round(numerator / (factor * i));
        return table;
    }
}
