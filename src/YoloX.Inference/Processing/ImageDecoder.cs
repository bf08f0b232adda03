using SkiaSharp;

namespace YoloX.Inference.Processing;

/// <summary>
/// Decodes encoded images (JPEG, PNG, WebP, BMP, GIF, ...) with SkiaSharp into 8-bit BGRA pixels, the way the
/// official code's <c>cv2.imread(path, IMREAD_COLOR)</c> sees them: EXIF orientation applied, grayscale expanded
/// to three equal channels, alpha ignored by the detector (colour values kept unpremultiplied), 16-bit reduced to 8.
/// </summary>
public static class ImageDecoder
{
    /// <summary>
    /// The default limit on an image's size (width × height): a hostile header (a "decompression bomb" such as a
    /// small PNG claiming 40000×40000) is refused from its header, before any pixel memory is allocated.
    /// </summary>
    public const long MaxPixels = 100_000_000;

    /// <summary>Decodes the image file at <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ImageDecodeException">The file is not an image, is truncated or corrupt, or is too large.</exception>
    public static SKBitmap Decode(string path) => Decode(path, MaxPixels);

    /// <summary>Decodes the image file at <paramref name="path"/>, refusing images of more than <paramref name="maxPixels"/> pixels.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ImageDecodeException">The file is not an image, is truncated or corrupt, or is too large.</exception>
    public static SKBitmap Decode(string path, long maxPixels)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPixels);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Image file '{path}' does not exist.", path);
        }
        if (new FileInfo(path).Length == 0)
        {
            throw new ImageDecodeException(path, "the file is empty.");
        }
        using var data = SKData.Create(path)
            ?? throw new ImageDecodeException(path, "the file cannot be read.");
        return Decode(data, path, maxPixels);
    }

    /// <summary>Decodes an encoded image held in memory.</summary>
    /// <param name="encoded">The encoded bytes (JPEG, PNG, ...).</param>
    /// <param name="source">A name for error messages.</param>
    /// <exception cref="ImageDecodeException">The bytes are not an image, are truncated or corrupt, or the image is too large.</exception>
    public static SKBitmap Decode(ReadOnlySpan<byte> encoded, string source = "<memory>") => Decode(encoded, source, MaxPixels);

    /// <summary>Decodes an encoded image held in memory, refusing images of more than <paramref name="maxPixels"/> pixels.</summary>
    /// <param name="encoded">The encoded bytes (JPEG, PNG, ...).</param>
    /// <param name="source">A name for error messages.</param>
    /// <param name="maxPixels">The largest width × height accepted.</param>
    /// <exception cref="ImageDecodeException">The bytes are not an image, are truncated or corrupt, or the image is too large.</exception>
    public static SKBitmap Decode(ReadOnlySpan<byte> encoded, string source, long maxPixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPixels);
        if (encoded.IsEmpty)
        {
            throw new ImageDecodeException(source, "the data is empty.");
        }
        using var data = SKData.CreateCopy(encoded);
        return Decode(data, source, maxPixels);
    }

    /// <summary>Decodes an encoded image read from <paramref name="stream"/> (read to its end, not disposed).</summary>
    /// <param name="stream">The stream positioned at the start of the encoded image.</param>
    /// <param name="source">A name for error messages.</param>
    /// <exception cref="ImageDecodeException">The data is not an image, is truncated or corrupt, or the image is too large.</exception>
    public static SKBitmap Decode(Stream stream, string source = "<stream>") => Decode(stream, source, MaxPixels);

    /// <summary>Decodes an encoded image read from <paramref name="stream"/>, refusing images of more than <paramref name="maxPixels"/> pixels.</summary>
    /// <param name="stream">The stream positioned at the start of the encoded image.</param>
    /// <param name="source">A name for error messages.</param>
    /// <param name="maxPixels">The largest width × height accepted.</param>
    /// <exception cref="ImageDecodeException">The data is not an image, is truncated or corrupt, or the image is too large.</exception>
    public static SKBitmap Decode(Stream stream, string source, long maxPixels)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return Decode(copy.GetBuffer().AsSpan(0, (int)copy.Length), source, maxPixels);
    }

    private static SKBitmap Decode(SKData data, string source, long maxPixels)
    {
        // The codec takes ownership of the stream (also when creation fails).
        using var codec = SKCodec.Create(new SKMemoryStream(data), out var created);
        if (codec is null)
        {
            throw new ImageDecodeException(source, created switch
            {
                SKCodecResult.IncompleteInput => "the data ends before the image header is complete (truncated file).",
                _ => "not a recognised image format (JPEG, PNG, WebP, BMP, GIF, ICO, WBMP).",
            });
        }
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if (width <= 0 || height <= 0 || (long)width * height > maxPixels)
        {
            throw new ImageDecodeException(source, $"its size {width}×{height} is empty or above the limit of {maxPixels} pixels.");
        }
        // Unpremultiplied 8-bit BGRA without a colour space: the stored colour values, like OpenCV (which ignores
        // ICC profiles and drops alpha), so that pre-processing sees the same numbers as the official code.
        var info = new SKImageInfo(width, height, SKColorType.Bgra8888, SKAlphaType.Unpremul);
        var bitmap = new SKBitmap(info);
        try
        {
            var result = codec.GetPixels(info, bitmap.GetPixels());
            if (result != SKCodecResult.Success)
            {
                throw new ImageDecodeException(source, result switch
                {
                    SKCodecResult.IncompleteInput => "the image data is truncated (the decoder ran out of input).",
                    SKCodecResult.ErrorInInput => "the image data is corrupt.",
                    _ => $"the decoder failed ({result}).",
                });
            }
            return Orientation.Apply(bitmap, codec.EncodedOrigin);
        }
        catch
        {
            bitmap.Dispose();
            throw;
        }
    }
}
