using System.Buffers;
using SkiaSharp;

namespace YoloX.Inference.Processing;

/// <summary>
/// The official YOLOX pre-processing (<c>ValTransform(legacy=False)</c> / <c>preproc</c>): keep the aspect ratio,
/// resize by r = min(H/h, W/w) with OpenCV's 8-bit <c>INTER_LINEAR</c>, paste top-left on a canvas filled with 114,
/// BGR planes (CHW), float 0–255, no mean/std.
/// </summary>
/// <remarks>
/// The resize reproduces OpenCV's fixed-point arithmetic for 8-bit images rather than an ideal bilinear filter:
/// half-pixel centres, coefficients rounded to 11 bits, a horizontal pass into 32-bit sums and a vertical pass
/// whose rounding is that of OpenCV's 128-bit SIMD kernel (with its scalar kernel for the row tail), and the
/// special case where an exact 2× reduction becomes a 2×2 box average. That gives the same bytes as <c>cv2.resize</c>.
/// </remarks>
public static class Letterbox
{
    /// <summary>The canvas fill value of the official code.</summary>
    public const float PadValue = 114f;

    private const int CoefBits = 11;
    private const int CoefScale = 1 << CoefBits;

    /// <summary>
    /// Letterboxes <paramref name="image"/> into <paramref name="chw"/> ([3, inputHeight, inputWidth] floats).
    /// Accepts 8-bit BGRA, RGBA and Gray images; other pixel formats are converted to BGRA first.
    /// </summary>
    public static LetterboxInfo Fill(SKBitmap image, Span<float> chw, int inputWidth, int inputHeight)
    {
        ArgumentNullException.ThrowIfNull(image);
        var plane = inputWidth * inputHeight;
        if (chw.Length < 3 * plane)
        {
            throw new ArgumentException($"The tensor span holds {chw.Length} floats; [3,{inputHeight},{inputWidth}] needs {3 * plane}.", nameof(chw));
        }
        if (image.Width <= 0 || image.Height <= 0)
        {
            throw new ArgumentException("The image is empty.", nameof(image));
        }
        var info = LetterboxInfo.For(image.Width, image.Height, inputWidth, inputHeight);
        if (PixelLayout.TryGet(image.ColorType, out var layout))
        {
            Resize(image.GetPixelSpan(), image.RowBytes, layout, info, chw, inputWidth, inputHeight);
        }
        else
        {
            using var converted = image.Copy(SKColorType.Bgra8888)
                ?? throw new NotSupportedException($"Pixel format {image.ColorType} cannot be converted to BGRA.");
            Resize(converted.GetPixelSpan(), converted.RowBytes, PixelLayout.Bgra, info, chw, inputWidth, inputHeight);
        }
        Pad(chw, info, inputWidth, inputHeight);
        return info;
    }

    private static void Pad(Span<float> chw, LetterboxInfo info, int inputWidth, int inputHeight)
    {
        var plane = inputWidth * inputHeight;
        for (var c = 0; c < 3; c++)
        {
            var p = chw.Slice(c * plane, plane);
            if (info.ResizedWidth < inputWidth)
            {
                for (var y = 0; y < info.ResizedHeight; y++)
                {
                    p.Slice(y * inputWidth + info.ResizedWidth, inputWidth - info.ResizedWidth).Fill(PadValue);
                }
            }
            p[(info.ResizedHeight * inputWidth)..].Fill(PadValue);
        }
    }

    private static void Resize(
        ReadOnlySpan<byte> src, int stride, PixelLayout layout, LetterboxInfo info, Span<float> chw, int inputWidth, int inputHeight)
    {
        var (sw, sh, dw, dh) = (info.OriginalWidth, info.OriginalHeight, info.ResizedWidth, info.ResizedHeight);
        double scaleX = sw / (double)dw, scaleY = sh / (double)dh;
        if (IsExactHalf(sw, dw) && IsExactHalf(sh, dh))
        {
            // OpenCV turns INTER_LINEAR with an exact integer scale of 2 into its fast INTER_AREA (2×2 average).
            AreaHalf(src, stride, layout, dw, dh, chw, inputWidth, inputHeight);
            return;
        }
        var pool = ArrayPool<int>.Shared;
        var xofs = pool.Rent(dw);
        var alpha = pool.Rent(2 * dw);
        var rows = pool.Rent(2 * 3 * dw);
        try
        {
            HorizontalCoefficients(sw, dw, scaleX, xofs, alpha);
            var row0 = rows.AsSpan(0, 3 * dw);
            var row1 = rows.AsSpan(3 * dw, 3 * dw);
            int held0 = -1, held1 = -1;
            var plane = inputWidth * inputHeight;
            var simdEnd = 3 * dw / 16 * 16;
            var halfEnd = simdEnd;
            while (halfEnd < 3 * dw - 8)
            {
                halfEnd += 8;
            }
            for (var dy = 0; dy < dh; dy++)
            {
                var fy = (float)((dy + 0.5) * scaleY - 0.5);
                var sy = (int)MathF.Floor(fy);
                fy -= sy;
                var b0 = (short)MathF.Round((1f - fy) * CoefScale);
                var b1 = (short)MathF.Round(fy * CoefScale);
                var y0 = Math.Clamp(sy, 0, sh - 1);
                var y1 = Math.Clamp(sy + 1, 0, sh - 1);
                // Keep the horizontally resized source rows like OpenCV's ring buffer: reuse, swap, or compute.
                if (held0 != y0)
                {
                    if (held1 == y0)
                    {
                        var t = row0; row0 = row1; row1 = t;
                        (held0, held1) = (held1, held0);
                    }
                    else
                    {
                        HorizontalRow(src.Slice(y0 * stride), layout, xofs, alpha, dw, row0);
                        held0 = y0;
                    }
                }
                if (held1 != y1)
                {
                    HorizontalRow(src.Slice(y1 * stride), layout, xofs, alpha, dw, row1);
                    held1 = y1;
                }
                VerticalRow(row0, row1, b0, b1, halfEnd, chw, dy * inputWidth, plane, dw);
            }
        }
        finally
        {
            pool.Return(xofs);
            pool.Return(alpha);
            pool.Return(rows);
        }
    }

    private static bool IsExactHalf(int src, int dst) => src == 2 * dst;

    private static void HorizontalCoefficients(int sw, int dw, double scaleX, int[] xofs, int[] alpha)
    {
        for (var dx = 0; dx < dw; dx++)
        {
            var fx = (float)((dx + 0.5) * scaleX - 0.5);
            var sx = (int)MathF.Floor(fx);
            fx -= sx;
            if (sx < 0)
            {
                (fx, sx) = (0f, 0);
            }
            if (sx >= sw - 1)
            {
                (fx, sx) = (0f, sw - 1);
            }
            xofs[dx] = sx;
            alpha[2 * dx] = (short)MathF.Round((1f - fx) * CoefScale);
            alpha[2 * dx + 1] = (short)MathF.Round(fx * CoefScale);
        }
    }

    /// <summary>Horizontal pass of one source row into interleaved BGR 32-bit sums (OpenCV's HResizeLinear).</summary>
    private static void HorizontalRow(ReadOnlySpan<byte> row, PixelLayout layout, int[] xofs, int[] alpha, int dw, Span<int> dst)
    {
        var bpp = layout.BytesPerPixel;
        for (var dx = 0; dx < dw; dx++)
        {
            var p0 = xofs[dx] * bpp;
            int a0 = alpha[2 * dx], a1 = alpha[2 * dx + 1];
            // At the right edge OpenCV clamps to the last pixel with a zero second weight: never read past the row.
            var p1 = a1 != 0 ? p0 + bpp : p0;
            var o = 3 * dx;
            dst[o] = row[p0 + layout.B] * a0 + row[p1 + layout.B] * a1;
            dst[o + 1] = row[p0 + layout.G] * a0 + row[p1 + layout.G] * a1;
            dst[o + 2] = row[p0 + layout.R] * a0 + row[p1 + layout.R] * a1;
        }
    }

    /// <summary>
    /// Vertical pass: OpenCV's SIMD kernel computes ((S0 &gt;&gt; 4)·b0 &gt;&gt; 16) + ((S1 &gt;&gt; 4)·b1 &gt;&gt; 16), then
    /// (t + 2) &gt;&gt; 2 saturated to a byte; its scalar tail rounds the exact sum (S0·b0 + S1·b1 + 2^21) &gt;&gt; 22.
    /// </summary>
    private static void VerticalRow(
        ReadOnlySpan<int> s0, ReadOnlySpan<int> s1, int b0, int b1, int halfEnd,
        Span<float> chw, int rowOffset, int plane, int dw)
    {
        var bPlane = chw.Slice(rowOffset, dw);
        var gPlane = chw.Slice(plane + rowOffset, dw);
        var rPlane = chw.Slice(2 * plane + rowOffset, dw);
        for (var dx = 0; dx < dw; dx++)
        {
            var e = 3 * dx;
            bPlane[dx] = Combine(s0[e], s1[e], b0, b1, e < halfEnd);
            gPlane[dx] = Combine(s0[e + 1], s1[e + 1], b0, b1, e + 1 < halfEnd);
            rPlane[dx] = Combine(s0[e + 2], s1[e + 2], b0, b1, e + 2 < halfEnd);
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static float Combine(int s0, int s1, int b0, int b1, bool simd)
    {
        int v;
        if (simd)
        {
            // v_pack saturates the >> 4 values to int16; v_mul_hi keeps the high half of the int16 product.
            var t = (Math.Clamp(s0 >> 4, short.MinValue, short.MaxValue) * b0 >> 16)
                  + (Math.Clamp(s1 >> 4, short.MinValue, short.MaxValue) * b1 >> 16);
            v = (t + 2) >> 2;
        }
        else
        {
            v = (s0 * b0 + s1 * b1 + (1 << 21)) >> 22;
        }
        return Math.Clamp(v, 0, 255);
    }

    private static void AreaHalf(
        ReadOnlySpan<byte> src, int stride, PixelLayout layout, int dw, int dh, Span<float> chw, int inputWidth, int inputHeight)
    {
        var plane = inputWidth * inputHeight;
        var bpp = layout.BytesPerPixel;
        for (var dy = 0; dy < dh; dy++)
        {
            var r0 = src.Slice(2 * dy * stride);
            var r1 = src.Slice((2 * dy + 1) * stride);
            var o = dy * inputWidth;
            for (var dx = 0; dx < dw; dx++)
            {
                var p = 2 * dx * bpp;
                chw[o + dx] = (r0[p + layout.B] + r0[p + bpp + layout.B] + r1[p + layout.B] + r1[p + bpp + layout.B] + 2) >> 2;
                chw[plane + o + dx] = (r0[p + layout.G] + r0[p + bpp + layout.G] + r1[p + layout.G] + r1[p + bpp + layout.G] + 2) >> 2;
                chw[2 * plane + o + dx] = (r0[p + layout.R] + r0[p + bpp + layout.R] + r1[p + layout.R] + r1[p + bpp + layout.R] + 2) >> 2;
            }
        }
    }

    /// <summary>Where the B, G and R bytes sit in one pixel.</summary>
    private readonly record struct PixelLayout(int BytesPerPixel, int B, int G, int R)
    {
        public static readonly PixelLayout Bgra = new(4, 0, 1, 2);

        public static bool TryGet(SKColorType type, out PixelLayout layout)
        {
            layout = type switch
            {
                SKColorType.Bgra8888 => Bgra,
                SKColorType.Rgba8888 or SKColorType.Rgb888x => new PixelLayout(4, 2, 1, 0),
                SKColorType.Gray8 => new PixelLayout(1, 0, 0, 0),
                _ => default,
            };
            return layout.BytesPerPixel != 0;
        }
    }
}
