namespace YoloX.Training.Augmentation;

/// <summary>
/// <c>cv2.warpAffine(src, M, (w, h), borderValue=(v, v, v))</c> (INTER_LINEAR, BORDER_CONSTANT) for 8-bit BGR
/// images with OpenCV 4.x's fixed-point arithmetic; a float bilinear differs by up to 4 grey levels.
/// </summary>
/// <remarks>
/// OpenCV inverts M in double, walks the output in 1/1024-pixel steps (<c>cvRound(M⁻¹·x·1024)</c> per column plus
/// <c>cvRound((…)·1024) + 16</c> per row), keeps 1/32-pixel precision, weighs the 4 taps from a 32×32 table of
/// 15-bit weights (<c>cvRound(float(wy)·float(wx)·32768)</c>) and rounds <c>(Σ + 2¹⁴) ≫ 15</c>; taps outside the
/// source take the border value.
/// </remarks>
public static class OpenCvWarpAffine
{
    private const int TableBits = 5;
    private const int TableSize = 1 << TableBits;
    private const int WeightBits = 15;
    private static readonly int[] Weights = BuildWeights();

    /// <summary>Warps <paramref name="source"/> by the 2×3 matrix <paramref name="m"/> (row-major, source → destination).</summary>
    public static BgrImage Linear(BgrImage source, ReadOnlySpan<double> m, int width, int height, byte border = 114)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (m.Length != 6)
            throw new ArgumentException("An affine matrix has 6 values.", nameof(m));
        if (width <= 0 || height <= 0)
            throw new ArgumentOutOfRangeException(nameof(width), $"Target size {width}×{height} must be positive.");
        Span<double> inv = stackalloc double[6];
        Invert(m, inv);
        var adelta = new int[width];
        var bdelta = new int[width];
        for (var x = 0; x < width; x++)
        {
            adelta[x] = RoundToInt(inv[0] * x * 1024);
            bdelta[x] = RoundToInt(inv[3] * x * 1024);
        }
        var result = BgrImage.Rent(width, height);
        var src = source.Data;
        var (w, h, stride) = (source.Width, source.Height, source.Stride);
        const int roundDelta = 1024 / TableSize / 2;
        for (var y = 0; y < height; y++)
        {
            var x0 = RoundToInt((inv[1] * y + inv[2]) * 1024) + roundDelta;
            var y0 = RoundToInt((inv[4] * y + inv[5]) * 1024) + roundDelta;
            var row = result.Row(y);
            for (var x = 0; x < width; x++)
            {
                var fx = (x0 + adelta[x]) >> (10 - TableBits);
                var fy = (y0 + bdelta[x]) >> (10 - TableBits);
                var sx = fx >> TableBits;
                var sy = fy >> TableBits;
                var t = (((fy & (TableSize - 1)) * TableSize) + (fx & (TableSize - 1))) * 4;
                var o = x * 3;
                if ((uint)sx < (uint)(w - 1) && (uint)sy < (uint)(h - 1))
                {
                    var p = sy * stride + sx * 3;
                    for (var c = 0; c < 3; c++)
                    {
                        var sum = src[p + c] * Weights[t] + src[p + 3 + c] * Weights[t + 1] +
                                  src[p + stride + c] * Weights[t + 2] + src[p + stride + 3 + c] * Weights[t + 3];
                        row[o + c] = Saturate((sum + (1 << (WeightBits - 1))) >> WeightBits);
                    }
                }
                else if (sx >= w || sx + 1 < 0 || sy >= h || sy + 1 < 0)
                {
                    row[o] = row[o + 1] = row[o + 2] = border;
                }
                else
                {
                    for (var c = 0; c < 3; c++)
                    {
                        var sum = Tap(src, w, h, stride, sx, sy, c, border) * Weights[t] +
                                  Tap(src, w, h, stride, sx + 1, sy, c, border) * Weights[t + 1] +
                                  Tap(src, w, h, stride, sx, sy + 1, c, border) * Weights[t + 2] +
                                  Tap(src, w, h, stride, sx + 1, sy + 1, c, border) * Weights[t + 3];
                        row[o + c] = Saturate((sum + (1 << (WeightBits - 1))) >> WeightBits);
                    }
                }
            }
        }
        return result;
    }

    /// <summary><c>cv2.invertAffineTransform</c>: the same double formula OpenCV uses inside warpAffine.</summary>
    public static void Invert(ReadOnlySpan<double> m, Span<double> inverse)
    {
        var d = m[0] * m[4] - m[1] * m[3];
        d = d != 0 ? 1.0 / d : 0.0;
        var a11 = m[4] * d;
        var a22 = m[0] * d;
        var a12 = -m[1] * d;
        var a21 = -m[3] * d;
        inverse[0] = a11;
        inverse[1] = a12;
        inverse[3] = a21;
        inverse[4] = a22;
        inverse[2] = -a11 * m[2] - a12 * m[5];
        inverse[5] = -a21 * m[2] - a22 * m[5];
    }

    private static int Tap(byte[] src, int w, int h, int stride, int x, int y, int c, byte border) =>
        (uint)x < (uint)w && (uint)y < (uint)h ? src[y * stride + x * 3 + c] : border;

    // cvRound of a double: round half to even, saturated to int.
    private static int RoundToInt(double v) =>
        double.IsNaN(v) ? 0 : (int)Math.Clamp(Math.Round(v), int.MinValue, int.MaxValue);

    private static byte Saturate(int v) => (byte)Math.Clamp(v, 0, 255);

    private static int[] BuildWeights()
    {
        var table = new int[TableSize * TableSize * 4];
        for (var iy = 0; iy < TableSize; iy++)
        {
            for (var ix = 0; ix < TableSize; ix++)
            {
                var fy = (float)(iy / (double)TableSize);
                var fx = (float)(ix / (double)TableSize);
                ReadOnlySpan<float> vy = [1f - fy, fy];
                ReadOnlySpan<float> vx = [1f - fx, fx];
                var k = (iy * TableSize + ix) * 4;
                for (var a = 0; a < 2; a++)
                {
                    for (var b = 0; b < 2; b++)
                        table[k + a * 2 + b] = (int)Math.Round((double)(vy[a] * vx[b]) * (1 << WeightBits));
                }
            }
        }
        return table;
    }
}
