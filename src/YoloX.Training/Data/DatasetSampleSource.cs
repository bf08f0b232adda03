using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.Intrinsics;
using SkiaSharp;
using YoloX.Inference;
using YoloX.Inference.Processing;
using YoloX.Training.Augmentation;

namespace YoloX.Training.Data;

/// <summary>
/// A <see cref="DetectionDataset"/> (COCO, VOC or YOLO) as the augmentations read it, like the official
/// <c>COCODataset.pull_item</c>: the image decoded as OpenCV would (BGR), resized by <c>min(H/h, W/w)</c> with
/// OpenCV's INTER_LINEAR arithmetic, and its boxes cleaned as the official <c>load_anno_from_ids</c> does (crowd
/// regions dropped, corners clipped to the image, empty-area boxes dropped) and scaled alike. Thread-safe.
/// </summary>
public sealed class DatasetSampleSource : IDetectionSampleSource
{
    private readonly DetectionDataset _dataset;
    private readonly LabeledBox[][] _boxes;
    private readonly ConcurrentDictionary<int, BgrImage>? _cache;

    /// <summary>Prepares the labels of every image; images are decoded on demand.</summary>
    /// <param name="dataset">The dataset.</param>
    /// <param name="inputSize">(height, width) the images are fitted into.</param>
    /// <param name="cacheImages">Keep each resized image in RAM after its first decode.</param>
    public DatasetSampleSource(DetectionDataset dataset, (int Height, int Width) inputSize, bool cacheImages = false)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (dataset.Images.Count == 0)
            throw new DatasetFormatException(dataset.Source, 0, "the dataset has no images to train on");
        if (inputSize.Height <= 0 || inputSize.Width <= 0)
            throw new ArgumentOutOfRangeException(nameof(inputSize), inputSize, "The input size must be positive.");
        _dataset = dataset;
        InputSize = inputSize;
        _boxes = new LabeledBox[dataset.Images.Count][];
        for (var i = 0; i < _boxes.Length; i++)
            _boxes[i] = CleanBoxes(dataset, i, inputSize);
        _cache = cacheImages ? new ConcurrentDictionary<int, BgrImage>() : null;
    }

    /// <summary>(height, width) the images are fitted into.</summary>
    public (int Height, int Width) InputSize { get; }

    /// <inheritdoc />
    public int Count => _boxes.Length;

    /// <summary>The dataset's image at <paramref name="index"/>.</summary>
    public DatasetImage ImageAt(int index) => _dataset.Images[index];

    /// <inheritdoc />
    public bool HasBoxes(int index) => _boxes[index].Length > 0;

    /// <inheritdoc />
    public LabeledImage Load(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        BgrImage image;
        if (_cache is null)
        {
            image = ReadResized(index);
        }
        else
        {
            // The cached image is shared; augmentations modify their input in place, so hand out a copy.
            image = _cache.GetOrAdd(index, ReadResized).Clone();
        }
        return new LabeledImage(image, (LabeledBox[])_boxes[index].Clone());
    }

    /// <summary>
    /// Decodes an image file into BGR bytes the way <c>cv2.imread</c> sees it (EXIF orientation applied): JPEGs with
    /// libjpeg-turbo straight to BGR when <see cref="TurboJpegDecoder"/> is available (OpenCV's own decoder, so the same
    /// pixels), everything else (and any JPEG that path declines) with SkiaSharp's <see cref="ImageDecoder"/>.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ImageDecodeException">The file is not an image, is truncated or corrupt, or is too large.</exception>
    public static BgrImage Decode(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!TurboJpegDecoder.IsAvailable)
            return DecodeWithSkia(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"Image file '{path}' does not exist.", path);
        using var handle = File.OpenHandle(path);
        var length = RandomAccess.GetLength(handle);
        if (length == 0)
            throw new ImageDecodeException(path, "the file is empty.");
        if (length > Array.MaxLength)
            return DecodeWithSkia(path);
        var buffer = ArrayPool<byte>.Shared.Rent((int)length);
        try
        {
            var read = 0;
            while (read < length)
            {
                var n = RandomAccess.Read(handle, buffer.AsSpan(read, (int)length - read), read);
                if (n == 0)
                    break;
                read += n;
            }
            var encoded = buffer.AsSpan(0, read);
            if (TurboJpegDecoder.TryDecode(encoded, ImageDecoder.MaxPixels) is { } image)
                return image;
            using var bitmap = ImageDecoder.Decode(encoded, path, ImageDecoder.MaxPixels);
            return FromBitmap(bitmap);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static BgrImage DecodeWithSkia(string path)
    {
        using var bitmap = ImageDecoder.Decode(path);
        return FromBitmap(bitmap);
    }

    /// <summary>Copies an 8-bit BGRA bitmap's colour channels into a <see cref="BgrImage"/>.</summary>
    public static BgrImage FromBitmap(SKBitmap bitmap)
    {
        ArgumentNullException.ThrowIfNull(bitmap);
        if (bitmap.ColorType != SKColorType.Bgra8888)
            throw new ArgumentException("Expected an 8-bit BGRA bitmap.", nameof(bitmap));
        var image = BgrImage.Rent(bitmap.Width, bitmap.Height);
        var src = bitmap.GetPixelSpan();
        var rowBytes = bitmap.RowBytes;
        for (var y = 0; y < image.Height; y++)
            BgraToBgr(src.Slice(y * rowBytes, image.Width * 4), image.Row(y));
        return image;
    }

    // Drops every fourth byte: 16 source bytes (4 pixels) → 12, shuffled in one vector; the 16-byte store runs 4 bytes
    // ahead of the output, so the last few pixels of a row go through the scalar loop.
    private static void BgraToBgr(ReadOnlySpan<byte> s, Span<byte> d)
    {
        int x = 0, o = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            var indices = Vector128.Create((byte)0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 0, 0, 0, 0);
            for (; o + 16 <= d.Length && x + 16 <= s.Length; x += 16, o += 12)
                Vector128.Shuffle(Vector128.Create(s.Slice(x, 16)), indices).CopyTo(d.Slice(o, 16));
        }
        for (; o < d.Length; x += 4, o += 3)
        {
            d[o] = s[x];
            d[o + 1] = s[x + 1];
            d[o + 2] = s[x + 2];
        }
    }

    private BgrImage ReadResized(int index)
    {
        var entry = _dataset.Images[index];
        var image = Decode(entry.FilePath);
        var r = Math.Min((double)InputSize.Height / image.Height, (double)InputSize.Width / image.Width);
        var (width, height) = ((int)(image.Width * r), (int)(image.Height * r));
        if (width == image.Width && height == image.Height)
            return image; // OpenCV's resize to the same size is a copy
        var resized = OpenCvResize.Linear(image, width, height);
        image.Recycle();
        return resized;
    }

    private static LabeledBox[] CleanBoxes(DetectionDataset dataset, int index, (int Height, int Width) inputSize)
    {
        var entry = dataset.Images[index];
        if (entry.Width <= 0 || entry.Height <= 0)
            throw new DatasetFormatException(entry.Source?.File ?? entry.FilePath, entry.Source?.Line ?? 0,
                $"image '{entry.FileName}' has no size ({entry.Width}×{entry.Height}); its boxes cannot be scaled");
        var width = (double)entry.Width;
        var height = (double)entry.Height;
        var r = Math.Min(inputSize.Height / height, inputSize.Width / width);
        var boxes = new List<LabeledBox>();
        foreach (var a in dataset.AnnotationsOf(entry.Id))
        {
            if (a.IsCrowd)
                continue;
            var x1 = Math.Max(0, a.Box.X);
            var y1 = Math.Max(0, a.Box.Y);
            var x2 = Math.Min(width, x1 + Math.Max(0, a.Box.Width));
            var y2 = Math.Min(height, y1 + Math.Max(0, a.Box.Height));
            if (a.Area > 0 && x2 >= x1 && y2 >= y1)
                boxes.Add(new LabeledBox(x1 * r, y1 * r, x2 * r, y2 * r, a.ClassId));
        }
        return [.. boxes];
    }
}
