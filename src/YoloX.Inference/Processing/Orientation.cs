using SkiaSharp;

namespace YoloX.Inference.Processing;

/// <summary>Applies an EXIF orientation to decoded pixels by an exact index remap (no resampling).</summary>
internal static class Orientation
{
    /// <summary>
    /// Returns <paramref name="bitmap"/> itself when the origin is top-left, else a new upright bitmap (the input is
    /// disposed). The bitmap must hold 4-byte pixels.
    /// </summary>
    public static SKBitmap Apply(SKBitmap bitmap, SKEncodedOrigin origin)
    {
        if (origin is SKEncodedOrigin.TopLeft or SKEncodedOrigin.Default)
        {
            return bitmap;
        }
        var (w, h) = (bitmap.Width, bitmap.Height);
        var swaps = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop
            or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var (dw, dh) = swaps ? (h, w) : (w, h);
        var upright = new SKBitmap(new SKImageInfo(dw, dh, bitmap.ColorType, bitmap.AlphaType));
        try
        {
            Remap(bitmap, upright, origin);
        }
        catch
        {
            upright.Dispose();
            throw;
        }
        bitmap.Dispose();
        return upright;
    }

    private static void Remap(SKBitmap src, SKBitmap dst, SKEncodedOrigin origin)
    {
        var (w, h) = (src.Width, src.Height);
        var srcPixels = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(src.GetPixelSpan());
        var dstPixels = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(dst.GetPixelSpan());
        var (srcStride, dstStride) = (src.RowBytes / 4, dst.RowBytes / 4);
        for (var y = 0; y < dst.Height; y++)
        {
            var row = dstPixels.Slice(y * dstStride, dst.Width);
            for (var x = 0; x < row.Length; x++)
            {
                // (sx, sy): where the displayed pixel (x, y) is stored in the encoded image.
                var (sx, sy) = origin switch
                {
                    SKEncodedOrigin.TopRight => (w - 1 - x, y),
                    SKEncodedOrigin.BottomRight => (w - 1 - x, h - 1 - y),
                    SKEncodedOrigin.BottomLeft => (x, h - 1 - y),
                    SKEncodedOrigin.LeftTop => (y, x),
                    SKEncodedOrigin.RightTop => (y, h - 1 - x),
                    SKEncodedOrigin.RightBottom => (w - 1 - y, h - 1 - x),
                    SKEncodedOrigin.LeftBottom => (w - 1 - y, x),
                    _ => (x, y),
                };
                row[x] = srcPixels[sy * srcStride + sx];
            }
        }
    }
}
