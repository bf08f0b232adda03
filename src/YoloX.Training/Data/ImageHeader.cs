using SkiaSharp;

namespace YoloX.Training.Data;

/// <summary>Reads an image's size from its header without decoding the pixels.</summary>
public static class ImageHeader
{
    /// <summary>Tries to read the displayed size (EXIF rotations by 90° swap width and height).</summary>
    /// <param name="path">Image file.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="error">Why it failed (missing file, unknown format …).</param>
    public static bool TryRead(string path, out int width, out int height, out string error)
    {
        width = height = 0;
        if (!File.Exists(path))
        {
            error = "file not found";
            return false;
        }
        try
        {
            using var codec = SKCodec.Create(path, out var result);
            if (codec is null)
            {
                error = $"not a readable image ({result})";
                return false;
            }
            var info = codec.Info;
            var rotated = codec.EncodedOrigin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop
                or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
            (width, height) = rotated ? (info.Height, info.Width) : (info.Width, info.Height);
            error = string.Empty;
            return width > 0 && height > 0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            error = ex.Message;
            return false;
        }
    }
}
