using SkiaSharp;
using Xunit;
using YoloX.Inference;
using YoloX.Inference.Processing;
using YoloX.Testing;
using YoloX.Training.Augmentation;
using YoloX.Training.Data;
using YoloX.Training.Tests.Augmentation;

namespace YoloX.Training.Tests.Data;

/// <summary>
/// The loader's JPEG path (libjpeg-turbo's TurboJPEG straight to BGR) gives cv2.imread's pixels and leaves every case
/// it does not handle (EXIF rotation, truncated data, oversized headers) to SkiaSharp's decoder and its exceptions.
/// </summary>
public sealed class TurboJpegDecoderTests
{
    [Fact]
    public void Jpeg_decode_equals_the_official_cv2_imread_pixels()
    {
        Assert.True(TurboJpegDecoder.IsAvailable, "libturbojpeg0 is missing (eng/system-packages.txt)");
        foreach (var item in GoldenAugment.Summary().GetProperty("mosaic_dataset").GetProperty("items").EnumerateArray())
        {
            var jpeg = SharedAssets.Asset("datasets/coco128/train2017/" + item.GetProperty("file_name").GetString());
            var official = GoldenAugment.Image(item.GetProperty("decoded_original_png").GetString()!);
            var turbo = TurboJpegDecoder.TryDecode(File.ReadAllBytes(jpeg), ImageDecoder.MaxPixels);
            Assert.NotNull(turbo);
            Assert.Equal(0, ImageDiff.Of(turbo, official).Max);
            Assert.Equal(0, ImageDiff.Of(DatasetSampleSource.Decode(jpeg), official).Max);
        }
    }

    [Fact]
    public void Exif_rotated_jpeg_is_left_to_skia_and_comes_out_upright()
    {
        var jpeg = NoiseJpeg(24, 16);
        var rotated = WithExifOrientation(jpeg, 6);
        Assert.Null(TurboJpegDecoder.TryDecode(rotated, ImageDecoder.MaxPixels));
        Assert.NotNull(TurboJpegDecoder.TryDecode(WithExifOrientation(jpeg, 1), ImageDecoder.MaxPixels));
        var path = TempFile(rotated);
        try
        {
            var decoded = DatasetSampleSource.Decode(path);
            using var skia = ImageDecoder.Decode(rotated);
            Assert.Equal((16, 24), (decoded.Width, decoded.Height));
            Assert.Equal(DatasetSampleSource.FromBitmap(skia).Data, decoded.Data);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Truncated_jpeg_throws_the_typed_decode_exception()
    {
        var jpeg = File.ReadAllBytes(SharedAssets.Asset("datasets/coco128/train2017/000000000009.jpg"));
        var truncated = jpeg[..(jpeg.Length / 2)];
        Assert.Null(TurboJpegDecoder.TryDecode(truncated, ImageDecoder.MaxPixels));
        var path = TempFile(truncated);
        try
        {
            Assert.Throws<ImageDecodeException>(() => DatasetSampleSource.Decode(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Pixel_limit_is_checked_from_the_header_and_missing_files_are_typed()
    {
        Assert.Null(TurboJpegDecoder.TryDecode(NoiseJpeg(24, 16), maxPixels: 24 * 16 - 1));
        Assert.NotNull(TurboJpegDecoder.TryDecode(NoiseJpeg(24, 16), maxPixels: 24 * 16));
        Assert.Throws<FileNotFoundException>(() => DatasetSampleSource.Decode(Path.Combine(Path.GetTempPath(), "no-such-image.jpg")));
    }

    private static string TempFile(byte[] bytes)
    {
        var path = Path.Combine(Path.GetTempPath(), $"turbo-{Guid.NewGuid():N}.jpg");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] NoiseJpeg(int width, int height)
    {
        using var bitmap = new SKBitmap(width, height);
        var random = new Random(9);
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                bitmap.SetPixel(x, y, new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)));
        return bitmap.Encode(SKEncodedImageFormat.Jpeg, 100).ToArray();
    }

    // An APP1 Exif segment with only the Orientation tag, right after the SOI marker.
    private static byte[] WithExifOrientation(byte[] jpeg, int orientation)
    {
        byte[] tiff =
        [
            (byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0,
            1, 0,
            0x12, 0x01, 3, 0, 1, 0, 0, 0, (byte)orientation, 0, 0, 0,
            0, 0, 0, 0,
        ];
        byte[] payload = [.. "Exif\0\0"u8, .. tiff];
        var length = payload.Length + 2;
        return [.. jpeg[..2], 0xFF, 0xE1, (byte)(length >> 8), (byte)length, .. payload, .. jpeg[2..]];
    }
}
