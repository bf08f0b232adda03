using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
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
        var coefficients = pool.Rent(4 * dw);
        var rows = pool.Rent(2 * 3 * dw);
        try
        {
            HorizontalCoefficients(sw, dw, scaleX, coefficients);
            // Two horizontally resized source rows, each as three planes (B, G, R) of dw 32-bit sums.
            var row0 = rows.AsSpan(0, 3 * dw);
            var row1 = rows.AsSpan(3 * dw, 3 * dw);
            int held0 = -1, held1 = -1;
            var plane = inputWidth * inputHeight;
            // OpenCV's vertical kernel runs on interleaved BGR rows of 3·dw bytes: 16-byte SIMD blocks, then
            // 8-byte blocks while more than 8 remain, then a scalar tail that rounds differently.
            var halfEnd = 3 * dw / 16 * 16;
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
                        HorizontalRow(src.Slice(y0 * stride), layout, coefficients, dw, row0);
                        held0 = y0;
                    }
                }
                if (held1 != y1)
                {
                    HorizontalRow(src.Slice(y1 * stride), layout, coefficients, dw, row1);
                    held1 = y1;
                }
                for (var c = 0; c < 3; c++)
                {
                    VerticalPlaneRow(row0.Slice(c * dw, dw), row1.Slice(c * dw, dw), b0, b1, c, halfEnd, chw.Slice(c * plane + dy * inputWidth, dw));
                }
            }
        }
        finally
        {
            pool.Return(coefficients);
            pool.Return(rows);
        }
    }

    private static bool IsExactHalf(int src, int dst) => src == 2 * dst;

    /// <summary>
    /// OpenCV's horizontal taps: <paramref name="k"/> receives four rows of dw ints: first pixel x0, second pixel x1
    /// (x0 itself where the second weight is 0, so the right edge never reads past the row), weights a0 and a1.
    /// </summary>
    private static void HorizontalCoefficients(int sw, int dw, double scaleX, int[] k)
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
            var a1 = (short)MathF.Round(fx * CoefScale);
            k[dx] = sx;
            k[dw + dx] = a1 != 0 ? sx + 1 : sx;
            k[2 * dw + dx] = (short)MathF.Round((1f - fx) * CoefScale);
            k[3 * dw + dx] = a1;
        }
    }

    /// <summary>Horizontal pass of one source row into B, G, R planes of 32-bit sums (OpenCV's HResizeLinear).</summary>
    private static void HorizontalRow(ReadOnlySpan<byte> row, PixelLayout layout, int[] k, int dw, Span<int> dst)
    {
        var bpp = layout.BytesPerPixel;
        var dx = bpp == 4 && Avx2.IsSupported ? HorizontalRowAvx2(row, layout, k, dw, dst) : 0;
        ref var px = ref MemoryMarshal.GetReference(row);
        var (ob, og, or) = (layout.B, layout.G, layout.R);
        for (; dx < dw; dx++)
        {
            int p0 = k[dx] * bpp, p1 = k[dw + dx] * bpp, a0 = k[2 * dw + dx], a1 = k[3 * dw + dx];
            dst[dx] = Unsafe.Add(ref px, p0 + ob) * a0 + Unsafe.Add(ref px, p1 + ob) * a1;
            dst[dw + dx] = Unsafe.Add(ref px, p0 + og) * a0 + Unsafe.Add(ref px, p1 + og) * a1;
            dst[2 * dw + dx] = Unsafe.Add(ref px, p0 + or) * a0 + Unsafe.Add(ref px, p1 + or) * a1;
        }
    }

    /// <summary>Eight output pixels at a time: gather the two source pixels as 32-bit words, split the channels by shifts.</summary>
    private static unsafe int HorizontalRowAvx2(ReadOnlySpan<byte> row, PixelLayout layout, int[] k, int dw, Span<int> dst)
    {
        var dx = 0;
        var mask = Vector256.Create(0xFF);
        fixed (byte* p = row)
        fixed (int* kp = k)
        fixed (int* d = dst)
        {
            int* x0 = kp, x1 = kp + dw, w0 = kp + 2 * dw, w1 = kp + 3 * dw;
            for (; dx <= dw - 8; dx += 8)
            {
                var u0 = Avx2.GatherVector256((int*)p, Avx.LoadVector256(x0 + dx), 4);
                var u1 = Avx2.GatherVector256((int*)p, Avx.LoadVector256(x1 + dx), 4);
                var (a0, a1) = (Avx.LoadVector256(w0 + dx), Avx.LoadVector256(w1 + dx));
                Avx.Store(d + dx, Channel(u0, u1, a0, a1, 8 * layout.B, mask));
                Avx.Store(d + dw + dx, Channel(u0, u1, a0, a1, 8 * layout.G, mask));
                Avx.Store(d + 2 * dw + dx, Channel(u0, u1, a0, a1, 8 * layout.R, mask));
            }
        }
        return dx;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Channel(Vector256<int> u0, Vector256<int> u1, Vector256<int> a0, Vector256<int> a1, int shift, Vector256<int> mask) =>
        (Vector256.ShiftRightLogical(u0, shift) & mask) * a0 + (Vector256.ShiftRightLogical(u1, shift) & mask) * a1;

    /// <summary>
    /// Vertical pass of one channel: OpenCV's SIMD kernel computes ((S0 &gt;&gt; 4)·b0 &gt;&gt; 16) + ((S1 &gt;&gt; 4)·b1 &gt;&gt; 16),
    /// then (t + 2) &gt;&gt; 2 saturated to a byte; its scalar tail (interleaved index ≥ <paramref name="halfEnd"/>)
    /// rounds the exact sum (S0·b0 + S1·b1 + 2^21) &gt;&gt; 22.
    /// </summary>
    private static void VerticalPlaneRow(ReadOnlySpan<int> s0, ReadOnlySpan<int> s1, int b0, int b1, int channel, int halfEnd, Span<float> dst)
    {
        var n = dst.Length;
        var dx = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var (vb0, vb1) = (new Vector<int>(b0), new Vector<int>(b1));
            var (two, max) = (new Vector<int>(2), new Vector<int>(255));
            for (; dx <= n - Vector<int>.Count; dx += Vector<int>.Count)
            {
                var t = (((new Vector<int>(s0[dx..]) >> 4) * vb0) >> 16) + (((new Vector<int>(s1[dx..]) >> 4) * vb1) >> 16);
                var v = Vector.Min(Vector.Max((t + two) >> 2, Vector<int>.Zero), max);
                Vector.ConvertToSingle(v).CopyTo(dst[dx..]);
            }
        }
        for (; dx < n; dx++)
        {
            dst[dx] = SimdRound(s0[dx], s1[dx], b0, b1);
        }
        // Redo the few pixels OpenCV computes in its scalar tail.
        for (dx = Math.Max(0, (halfEnd - channel) / 3 - 1); dx < n; dx++)
        {
            if (3 * dx + channel >= halfEnd)
            {
                dst[dx] = Math.Clamp((s0[dx] * b0 + s1[dx] * b1 + (1 << 21)) >> 22, 0, 255);
            }
        }
    }

    private static float SimdRound(int s0, int s1, int b0, int b1) =>
        Math.Clamp(((((s0 >> 4) * b0) >> 16) + (((s1 >> 4) * b1) >> 16) + 2) >> 2, 0, 255);

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
