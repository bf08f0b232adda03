namespace YoloX.Training.Augmentation;

/// <summary>
/// An 8-bit, 3-channel image in OpenCV's layout: rows of interleaved B, G, R bytes (HWC, no row padding), the
/// layout every augmentation works on.
/// </summary>
public sealed class BgrImage
{
    private byte[]? _data;

    /// <summary>Allocates a black image.</summary>
    public BgrImage(int width, int height)
        : this(width, height, new byte[CheckedLength(width, height)])
    {
    }

    /// <summary>Wraps <paramref name="data"/> (length width × height × 3) without copying.</summary>
    public BgrImage(int width, int height, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length != CheckedLength(width, height))
            throw new ArgumentException($"A {width}×{height} BGR image needs {(long)width * height * 3} bytes, got {data.Length}.", nameof(data));
        Width = width;
        Height = height;
        _data = data;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>The pixels, <c>Height × Width × 3</c> bytes, B G R.</summary>
    /// <exception cref="ObjectDisposedException">The pipeline has recycled this intermediate image.</exception>
    public byte[] Data => _data ?? throw new ObjectDisposedException(nameof(BgrImage),
        "This intermediate image was handed back to the augmentation pipeline's buffer pool.");

    /// <summary>Bytes per row (Width × 3).</summary>
    public int Stride => Width * 3;

    /// <summary>One row of pixels.</summary>
    public Span<byte> Row(int y) => Data.AsSpan(y * Stride, Stride);

    /// <summary>An image of the given size with every byte set to <paramref name="value"/> (e.g. the official 114 pad).</summary>
    public static BgrImage Filled(int width, int height, byte value)
    {
        var image = Rent(width, height);
        image.Data.AsSpan().Fill(value);
        return image;
    }

    /// <summary>A deep copy.</summary>
    public BgrImage Clone()
    {
        var copy = Rent(Width, Height);
        Data.AsSpan().CopyTo(copy.Data);
        return copy;
    }

    /// <summary>
    /// An image whose bytes are unspecified, backed by a buffer from <see cref="BufferPool{T}"/>: only for code
    /// that writes every byte before anything reads it.
    /// </summary>
    internal static BgrImage Rent(int width, int height) =>
        new(width, height, BufferPool<byte>.Rent(CheckedLength(width, height)));

    /// <summary>
    /// Hands the pixels back to <see cref="BufferPool{T}"/>. Only for intermediates the pipeline owns outright
    /// (nothing else holds them); <see cref="Data"/> throws afterwards. A second call does nothing.
    /// </summary>
    internal void Recycle()
    {
        if (Interlocked.Exchange(ref _data, null) is { } data)
            BufferPool<byte>.Return(data);
    }

    /// <summary>
    /// Copies the <paramref name="width"/>×<paramref name="height"/> block at (<paramref name="srcX"/>,
    /// <paramref name="srcY"/>) of this image to (<paramref name="dstX"/>, <paramref name="dstY"/>) of
    /// <paramref name="destination"/> (numpy's <c>dst[y1:y2, x1:x2] = src[...]</c>).
    /// </summary>
    public void CopyBlockTo(BgrImage destination, int srcX, int srcY, int dstX, int dstY, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (width <= 0 || height <= 0)
            return;
        if (srcX < 0 || srcY < 0 || srcX + width > Width || srcY + height > Height ||
            dstX < 0 || dstY < 0 || dstX + width > destination.Width || dstY + height > destination.Height)
            throw new ArgumentOutOfRangeException(nameof(width), "The block lies outside one of the images.");
        for (var y = 0; y < height; y++)
        {
            Data.AsSpan((srcY + y) * Stride + srcX * 3, width * 3)
                .CopyTo(destination.Data.AsSpan((dstY + y) * destination.Stride + dstX * 3));
        }
    }

    private static int CheckedLength(int width, int height)
    {
        if (width <= 0 || height <= 0 || (long)width * height * 3 > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(width), $"Image size {width}×{height} is empty or too large.");
        return width * height * 3;
    }
}
