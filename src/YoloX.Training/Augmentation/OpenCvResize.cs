using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace YoloX.Training.Augmentation;

/// <summary>
/// <c>cv2.resize(src, (w, h), interpolation=INTER_LINEAR)</c> for 8-bit BGR images with OpenCV 4.x's own integer
/// arithmetic, so that results match the official pipeline to the grey level (a float bilinear differs by up to one
/// level in ~16 % of values, which HSV and MixUp then amplify).
/// </summary>
/// <remarks>
/// OpenCV's 8-bit INTER_LINEAR path: per axis the source coordinate is <c>float((d + 0.5)·scale − 0.5)</c>, split
/// into <c>floor</c> and a fraction whose two weights are rounded to 11 bits. Horizontally the taps are clamped to
/// the image (weight moved to the edge pixel); vertically only the row indices are clamped, the weights are kept.
/// The horizontal pass is exact in int; the vertical pass rounds like OpenCV's SIMD kernel
/// (<c>((S0 ≫ 4)·b0 ≫ 16) + ((S1 ≫ 4)·b1 ≫ 16)</c>, then <c>(+2) ≫ 2</c>) on every value of a row, which the
/// golden fixtures show bit-exact on every OpenCV 4.6 call they record (the "textbook" <c>(S0·b0 + S1·b1 + 2²¹) ≫ 22</c>
/// differs in ~12 % of values). Same size is a copy; an exact 2× down-
/// scale takes OpenCV's area fast path (mean of 2×2 blocks, rounded).
/// </remarks>
public static class OpenCvResize
{
    private const int CoefBits = 11;
    private const int CoefScale = 1 << CoefBits;
    private const double DoubleEpsilon = 2.220446049250313e-16; // C's DBL_EPSILON, as OpenCV compares

    /// <summary>Resizes <paramref name="source"/> to <paramref name="width"/>×<paramref name="height"/>.</summary>
    public static BgrImage Linear(BgrImage source, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (width <= 0 || height <= 0)
            throw new ArgumentOutOfRangeException(nameof(width), $"Target size {width}×{height} must be positive.");
        if (width == source.Width && height == source.Height)
            return source.Clone();
        var scaleX = 1.0 / ((double)width / source.Width);
        var scaleY = 1.0 / ((double)height / source.Height);
        if (IsExactHalving(scaleX, scaleY))
            return HalveArea(source, width, height);
        return Bilinear(source, width, height, scaleX, scaleY);
    }

    // OpenCV switches INTER_LINEAR to its INTER_AREA fast path when both scales are exactly the integer 2.
    private static bool IsExactHalving(double scaleX, double scaleY) =>
        Math.Abs(scaleX - 2) < DoubleEpsilon && Math.Abs(scaleY - 2) < DoubleEpsilon;

    private static BgrImage HalveArea(BgrImage source, int width, int height)
    {
        var result = BgrImage.Rent(width, height);
        var src = source.Data;
        var dst = result.Data;
        var stride = source.Stride;
        for (var y = 0; y < height; y++)
        {
            var r0 = 2 * y * stride;
            var r1 = r0 + stride;
            var o = y * result.Stride;
            for (var x = 0; x < width; x++)
            {
                var s = 6 * x;
                for (var c = 0; c < 3; c++)
                {
                    dst[o + 3 * x + c] = (byte)((src[r0 + s + c] + src[r0 + s + 3 + c] + src[r1 + s + c] + src[r1 + s + 3 + c] + 2) >> 2);
                }
            }
        }
        return result;
    }

    private static BgrImage Bilinear(BgrImage source, int width, int height, double scaleX, double scaleY)
    {
        var (xOffset0, xOffset1, alpha0, alpha1) = HorizontalTaps(source.Width, width, scaleX);
        var result = BgrImage.Rent(width, height);
        var rowValues = width * 3;
        var bufferA = new int[rowValues];
        var bufferB = new int[rowValues];
        int rowA = -1, rowB = -1;
        for (var dy = 0; dy < height; dy++)
        {
            var fy = (float)((dy + 0.5) * scaleY - 0.5);
            var sy = (int)MathF.Floor(fy);
            fy -= sy;
            var beta0 = (int)MathF.Round((1f - fy) * CoefScale);
            var beta1 = (int)MathF.Round(fy * CoefScale);
            var y0 = Math.Clamp(sy, 0, source.Height - 1);
            var y1 = Math.Clamp(sy + 1, 0, source.Height - 1);
            // Keep the two most recent horizontally resized rows; consecutive output rows mostly share them.
            int[] s0, s1;
            if (rowA == y0) s0 = bufferA;
            else if (rowB == y0) s0 = bufferB;
            else
            {
                var target = rowA == y1 ? bufferB : bufferA;
                HorizontalPass(source.Row(y0), target, xOffset0, xOffset1, alpha0, alpha1);
                if (target == bufferA) rowA = y0; else rowB = y0;
                s0 = target;
            }
            if (rowA == y1) s1 = bufferA;
            else if (rowB == y1) s1 = bufferB;
            else
            {
                var target = s0 == bufferA ? bufferB : bufferA;
                HorizontalPass(source.Row(y1), target, xOffset0, xOffset1, alpha0, alpha1);
                if (target == bufferA) rowA = y1; else rowB = y1;
                s1 = target;
            }
            VerticalPass(s0, s1, beta0, beta1, result.Row(dy));
        }
        return result;
    }

    private static (int[] X0, int[] X1, int[] A0, int[] A1) HorizontalTaps(int sourceWidth, int width, double scale)
    {
        var n = width * 3;
        var x0 = new int[n];
        var x1 = new int[n];
        var a0 = new int[n];
        var a1 = new int[n];
        for (var dx = 0; dx < width; dx++)
        {
            var fx = (float)((dx + 0.5) * scale - 0.5);
            var sx = (int)MathF.Floor(fx);
            fx -= sx;
            if (sx < 0)
            {
                fx = 0;
                sx = 0;
            }
            if (sx >= sourceWidth - 1)
            {
                fx = 0;
                sx = sourceWidth - 1;
            }
            var w0 = (int)MathF.Round((1f - fx) * CoefScale);
            var w1 = (int)MathF.Round(fx * CoefScale);
            var sx1 = Math.Min(sx + 1, sourceWidth - 1);
            for (var c = 0; c < 3; c++)
            {
                x0[dx * 3 + c] = sx * 3 + c;
                x1[dx * 3 + c] = sx1 * 3 + c;
                a0[dx * 3 + c] = w0;
                a1[dx * 3 + c] = w1;
            }
        }
        return (x0, x1, a0, a1);
    }

    private static void HorizontalPass(ReadOnlySpan<byte> row, Span<int> output, int[] x0, int[] x1, int[] a0, int[] a1)
    {
        // The taps were clamped into the row when they were built (HorizontalTaps), so the reads skip bounds checks;
        // the guard keeps that true should a caller pass a shorter row.
        if (output.Length > x0.Length || x0.Length != x1.Length || x0.Length != a0.Length || x0.Length != a1.Length ||
            (output.Length > 0 && Math.Max(x0[output.Length - 1], x1[output.Length - 1]) >= row.Length))
            throw new ArgumentException("The horizontal taps do not fit the row.", nameof(row));
        ref var r = ref MemoryMarshal.GetReference(row);
        ref var o = ref MemoryMarshal.GetReference(output);
        ref var p0 = ref MemoryMarshal.GetArrayDataReference(x0);
        ref var p1 = ref MemoryMarshal.GetArrayDataReference(x1);
        ref var w0 = ref MemoryMarshal.GetArrayDataReference(a0);
        ref var w1 = ref MemoryMarshal.GetArrayDataReference(a1);
        for (nint i = 0; i < output.Length; i++)
            Unsafe.Add(ref o, i) = Unsafe.Add(ref r, Unsafe.Add(ref p0, i)) * Unsafe.Add(ref w0, i) +
                                   Unsafe.Add(ref r, Unsafe.Add(ref p1, i)) * Unsafe.Add(ref w1, i);
    }

    private static void VerticalPass(int[] s0, int[] s1, int b0, int b1, Span<byte> output)
    {
        // int16 lanes in OpenCV: (S >> 4) fits in a short, the product's high half is (· >> 16); the sum of the two
        // halves never leaves the int16 range for 8-bit inputs, so int arithmetic gives the same values.
        var i = 0;
        var lanes = Vector<int>.Count;
        if (Vector.IsHardwareAccelerated && output.Length >= 4 * lanes)
        {
            var vb0 = new Vector<int>(b0);
            var vb1 = new Vector<int>(b1);
            var two = new Vector<int>(2);
            var max = new Vector<int>(255);
            for (; i <= output.Length - 4 * lanes; i += 4 * lanes)
            {
                var q0 = Vector.AsVectorUInt32(Row(s0, s1, i, vb0, vb1, two, max));
                var q1 = Vector.AsVectorUInt32(Row(s0, s1, i + lanes, vb0, vb1, two, max));
                var q2 = Vector.AsVectorUInt32(Row(s0, s1, i + 2 * lanes, vb0, vb1, two, max));
                var q3 = Vector.AsVectorUInt32(Row(s0, s1, i + 3 * lanes, vb0, vb1, two, max));
                Vector.Narrow(Vector.Narrow(q0, q1), Vector.Narrow(q2, q3)).CopyTo(output[i..]);
            }
        }
        for (; i < output.Length; i++)
        {
            var v = (((s0[i] >> 4) * b0) >> 16) + (((s1[i] >> 4) * b1) >> 16);
            output[i] = SaturateByte((v + 2) >> 2);
        }
    }

    private static Vector<int> Row(int[] s0, int[] s1, int i, Vector<int> b0, Vector<int> b1, Vector<int> two, Vector<int> max)
    {
        var v = Vector.ShiftRightArithmetic(Vector.ShiftRightArithmetic(new Vector<int>(s0, i), 4) * b0, 16) +
                Vector.ShiftRightArithmetic(Vector.ShiftRightArithmetic(new Vector<int>(s1, i), 4) * b1, 16);
        return Vector.Min(Vector.Max(Vector.ShiftRightArithmetic(v + two, 2), Vector<int>.Zero), max);
    }

    private static byte SaturateByte(int v) => (byte)Math.Clamp(v, 0, 255);
}
