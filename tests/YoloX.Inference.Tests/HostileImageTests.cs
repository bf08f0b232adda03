using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using SkiaSharp;
using YoloX.Inference.Processing;
using YoloX.Testing;

namespace YoloX.Inference.Tests;

/// <summary>
/// Hostile images: each is refused with <see cref="ImageDecodeException"/> naming the file or request (or decoded
/// correctly), nothing is allocated for a decompression bomb, and the detector keeps working afterwards.
/// </summary>
public sealed class HostileImageTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Png_header_claiming_40000_by_40000_is_refused_before_decoding()
    {
        var bomb = _dir.Write("bomb.png", Png(40000, 40000, new byte[64]));
        using var detector = OnnxDetectorTests.BuildNano();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<ImageDecodeException>(() => detector.Detect(bomb));
        clock.Stop();
        Assert.Equal(bomb, e.ImageSource);
        Assert.Contains("40000×40000", e.Message);
        Assert.Contains("limit of 100000000 pixels", e.Message);
        // 1.6 gigapixels would need 6.4 GB as BGRA: refusing from the header allocates (almost) nothing.
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < (16 << 20), "the bomb's pixels were allocated");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"refusing took {clock.Elapsed}");
        Assert.NotEmpty(detector.Detect(SharedAssets.DogJpg).Detections);
    }

    [Fact]
    public void Pixel_limit_is_configurable_on_the_detector_and_the_decoder()
    {
        using var big = new SKBitmap(new SKImageInfo(1200, 1000, SKColorType.Bgra8888, SKAlphaType.Opaque));
        big.Erase(new SKColor(10, 200, 30));
        var png = big.Encode(SKEncodedImageFormat.Png, 100).ToArray();
        var path = _dir.Write("big.png", png);

        Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(png, "big.png", maxPixels: 1_000_000));
        using (var decoded = ImageDecoder.Decode(png, "big.png", maxPixels: 1_200_000))
        {
            Assert.Equal((1200, 1000), (decoded.Width, decoded.Height));
        }

        using var strict = YoloXBuilder.Create().WithModel(YoloX.Core.YoloXPreset.Nano).WithWeights(SharedAssets.NanoOnnx)
            .WithMaxImagePixels(1_000_000).BuildDetector();
        Assert.Equal(1_000_000, strict.Options.MaxImagePixels);
        var e = Assert.Throws<ImageDecodeException>(() => strict.Detect(path));
        Assert.Contains("1200×1000", e.Message);
        Assert.Contains("limit of 1000000 pixels", e.Message);
        Assert.Throws<ImageDecodeException>(() => strict.Detect(png, "request-17"));
        Assert.Equal("request-17", Assert.Throws<ImageDecodeException>(() => strict.Detect(new MemoryStream(png), "request-17")).ImageSource);
        Assert.Contains("dog", strict.Detect(SharedAssets.DogJpg).Detections.Select(d => d.ClassName)); // 768×576 is under the limit
        Assert.Throws<InvalidOperationException>(() => YoloXBuilder.Create().WithWeights(SharedAssets.NanoOnnx).WithMaxImagePixels(0).BuildOptions());
    }

    [Theory]
    [InlineData("jpg")]
    [InlineData("png")]
    [InlineData("webp")]
    public void Truncated_and_corrupt_images_of_each_format_give_ImageDecodeException_naming_the_file(string format)
    {
        using var detector = OnnxDetectorTests.BuildNano();
        var encoded = Encode(Noise(96, 64, seed: 3), format);
        var truncated = _dir.Write($"truncated.{format}", encoded[..(encoded.Length / 2)]);
        var e = Assert.Throws<ImageDecodeException>(() => detector.Detect(truncated));
        Assert.Equal(truncated, e.ImageSource);
        Assert.Contains("truncated", e.Message);

        var badHeader = (byte[])encoded.Clone();
        for (var i = 0; i < 12; i++)
        {
            badHeader[i] ^= 0x5A;
        }
        var corrupt = _dir.Write($"corrupt.{format}", badHeader);
        Assert.Contains("not a recognised image format", Assert.Throws<ImageDecodeException>(() => detector.Detect(corrupt)).Message);
        Assert.Contains("dog", detector.Detect(SharedAssets.DogJpg).Detections.Select(d => d.ClassName));
    }

    [Fact]
    public void Damaged_image_data_never_crashes_it_is_refused_or_decoded_at_its_size()
    {
        using var detector = OnnxDetectorTests.BuildNano();
        var random = new Random(7);
        foreach (var format in new[] { "jpg", "png", "webp" })
        {
            var encoded = Encode(Noise(64, 48, seed: 5), format);
            for (var round = 0; round < 20; round++)
            {
                var damaged = (byte[])encoded.Clone();
                for (var k = 0; k < 8; k++)
                {
                    damaged[random.Next(32, damaged.Length)] = (byte)random.Next(256);
                }
                try
                {
                    var result = detector.Detect(damaged, $"{format}-{round}");
                    Assert.Equal((64, 48), (result.Width, result.Height));
                }
                catch (ImageDecodeException e)
                {
                    Assert.Equal($"{format}-{round}", e.ImageSource);
                }
            }
        }
        Assert.NotEmpty(detector.Detect(SharedAssets.DogJpg).Detections);
    }

    [Fact]
    public void Zero_byte_file_non_image_bytes_and_a_huge_non_image_file_with_image_extensions_are_refused()
    {
        using var detector = OnnxDetectorTests.BuildNano();
        var empty = _dir.Write("empty.jpg", []);
        Assert.Equal(empty, Assert.Throws<ImageDecodeException>(() => detector.Detect(empty)).ImageSource);
        var text = _dir.Write("readme.png", Encoding.UTF8.GetBytes("# not a picture\n"));
        Assert.Contains("not a recognised image format", Assert.Throws<ImageDecodeException>(() => detector.Detect(text)).Message);

        var huge = new byte[24 << 20];
        new Random(1).NextBytes(huge);
        var hugePath = _dir.Write("huge.jpg", huge);
        var clock = Stopwatch.StartNew();
        Assert.Equal(hugePath, Assert.Throws<ImageDecodeException>(() => detector.Detect(hugePath)).ImageSource);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"refusing a 24 MB non-image took {clock.Elapsed}");

        // A valid PNG header in front of 8 MB of garbage: the header is fine, the data is not.
        var lying = _dir.Write("lying.png", Png(64, 64, huge[..(8 << 20)]));
        Assert.Equal(lying, Assert.Throws<ImageDecodeException>(() => detector.Detect(lying)).ImageSource);
        Assert.NotEmpty(detector.Detect(SharedAssets.DogJpg).Detections);
    }

    [Fact]
    public async Task Async_detection_of_a_bad_image_names_the_request_and_the_detector_keeps_working()
    {
        using var detector = OnnxDetectorTests.BuildNano();
        await using var stream = new MemoryStream(Png(40000, 40000, new byte[16]));
        var e = await Assert.ThrowsAsync<ImageDecodeException>(() => detector.DetectAsync(stream, "upload-42"));
        Assert.Equal("upload-42", e.ImageSource);
        Assert.NotEmpty((await detector.DetectAsync(SharedAssets.DogJpg)).Detections);
    }

    internal static SKBitmap Noise(int width, int height, int seed)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Bgra8888, SKAlphaType.Opaque));
        var random = new Random(seed);
        var pixels = bitmap.GetPixelSpan();
        random.NextBytes(pixels);
        for (var i = 3; i < pixels.Length; i += 4)
        {
            pixels[i] = 255;
        }
        return bitmap;
    }

    private static byte[] Encode(SKBitmap bitmap, string format)
    {
        using (bitmap)
        {
            var f = format switch { "jpg" => SKEncodedImageFormat.Jpeg, "png" => SKEncodedImageFormat.Png, _ => SKEncodedImageFormat.Webp };
            return bitmap.Encode(f, 90).ToArray();
        }
    }

    /// <summary>A PNG with the given IHDR size (8-bit RGB) and <paramref name="data"/> deflated as its only IDAT.</summary>
    internal static byte[] Png(int width, int height, byte[] data)
    {
        using var output = new MemoryStream();
        output.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        (ihdr[8], ihdr[9]) = (8, 2);
        Chunk(output, "IHDR", ihdr);
        using var deflated = new MemoryStream();
        using (var z = new ZLibStream(deflated, CompressionLevel.Fastest, leaveOpen: true))
        {
            z.Write(data);
        }
        Chunk(output, "IDAT", deflated.ToArray());
        Chunk(output, "IEND", []);
        return output.ToArray();
    }

    private static void Chunk(Stream output, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        output.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(typed));
        output.Write(word);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }
        return ~crc;
    }
}
