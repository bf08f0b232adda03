using SkiaSharp;
using YoloX.Inference.Processing;

namespace YoloX.Inference.Tests;

/// <summary>
/// The optimised letterbox (AVX2 gather, vectorised vertical pass, planar rows) against a plain per-element statement
/// of OpenCV's 8-bit INTER_LINEAR on interleaved BGR rows, at sizes that hit every remainder and tail path.
/// </summary>
public sealed class LetterboxReferenceTests
{
    [Theory]
    [InlineData(333, 250, 96)]   // dw = 95: AVX2 remainder; 3·dw = 285: OpenCV's 8-lane block and scalar tail
    [InlineData(50, 31, 128)]    // upscaling: negative source coordinates clamp at the top/left
    [InlineData(768, 576, 416)]  // the demo image geometry
    [InlineData(97, 203, 64)]    // portrait: padding on the right
    public void Optimised_letterbox_equals_the_plain_OpenCV_formula(int width, int height, int size)
    {
        using var image = ProcessingTests.Noise(width, height, seed: width * 31 + height);
        var fast = new float[3 * size * size];
        Letterbox.Fill(image, fast, size, size);
        var reference = Reference(image, size);
        var differing = fast.Zip(reference).Count(p => p.First != p.Second);
        Assert.True(differing == 0, $"{differing} values differ");
    }

    private static float[] Reference(SKBitmap image, int size)
    {
        var info = LetterboxInfo.For(image.Width, image.Height, size, size);
        var (sw, sh, dw, dh) = (image.Width, image.Height, info.ResizedWidth, info.ResizedHeight);
        var px = image.GetPixelSpan().ToArray();
        int Src(int x, int y, int c) => px[y * image.RowBytes + 4 * x + c]; // BGRA: c = 0, 1, 2 is B, G, R
        double scaleX = sw / (double)dw, scaleY = sh / (double)dh;
        var n = 3 * dw;
        var halfEnd = n / 16 * 16;
        while (halfEnd < n - 8)
        {
            halfEnd += 8;
        }
        var output = Enumerable.Repeat(114f, 3 * size * size).ToArray();
        for (var dy = 0; dy < dh; dy++)
        {
            var fy = (float)((dy + 0.5) * scaleY - 0.5);
            var sy = (int)MathF.Floor(fy);
            fy -= sy;
            int b0 = (short)MathF.Round((1f - fy) * 2048), b1 = (short)MathF.Round(fy * 2048);
            int y0 = Math.Clamp(sy, 0, sh - 1), y1 = Math.Clamp(sy + 1, 0, sh - 1);
            for (var e = 0; e < n; e++)
            {
                var (dx, c) = (e / 3, e % 3);
                var fx = (float)((dx + 0.5) * scaleX - 0.5);
                var sx = (int)MathF.Floor(fx);
                fx -= sx;
                if (sx < 0) { (fx, sx) = (0f, 0); }
                if (sx >= sw - 1) { (fx, sx) = (0f, sw - 1); }
                int a0 = (short)MathF.Round((1f - fx) * 2048), a1 = (short)MathF.Round(fx * 2048);
                var sx1 = Math.Min(sx + 1, sw - 1);
                var h0 = Src(sx, y0, c) * a0 + Src(sx1, y0, c) * a1;
                var h1 = Src(sx, y1, c) * a0 + Src(sx1, y1, c) * a1;
                var v = e < halfEnd
                    ? (((h0 >> 4) * b0 >> 16) + ((h1 >> 4) * b1 >> 16) + 2) >> 2
                    : (h0 * b0 + h1 * b1 + (1 << 21)) >> 22;
                output[c * size * size + dy * size + dx] = Math.Clamp(v, 0, 255);
            }
        }
        return output;
    }
}
