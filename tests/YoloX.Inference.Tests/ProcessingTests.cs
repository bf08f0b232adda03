using System.Buffers.Binary;
using SkiaSharp;
using YoloX.Core.Weights;
using YoloX.Inference.Processing;
using YoloX.Testing;

namespace YoloX.Inference.Tests;

public sealed class ProcessingTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Grid_decoding_of_the_golden_raw_head_in_the_postprocessor_matches_the_official_decode_outputs()
    {
        var eval = RawTensorFile.ReadMap(SharedAssets.Golden("nano_eval_outputs.json"));
        // nano_eval_outputs holds the raw levels of the default-init model and its decode: rebuild the undecoded
        // [N, 85] rows of image 0 (sigmoid on objectness and classes, levels flattened row-major) and decode them.
        var grid = new AnchorGrid(416, 416);
        var raw = new float[grid.Count * 85];
        var row = 0;
        foreach (var (name, size) in new[] { ("raw_level0", 52), ("raw_level1", 26), ("raw_level2", 13) })
        {
            var level = eval[name].Float32!;
            for (var cell = 0; cell < size * size; cell++, row++)
            {
                for (var c = 0; c < 85; c++)
                {
                    var v = level[c * size * size + cell]; // image 0 of [2, 85, size, size]
                    raw[row * 85 + c] = c >= 4 ? 1f / (1f + MathF.Exp(-v)) : v;
                }
            }
        }
        var decoded = new float[raw.Length];
        GridDecoder.Decode(raw, 80, grid, decoded);

        var expected = eval["decoded"].Float32!.AsSpan(0, raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            Assert.True(MathF.Abs(decoded[i] - expected[i]) <= 1e-4f + 1e-5f * MathF.Abs(expected[i]), $"value {i}: {decoded[i]} vs {expected[i]}");
        }

        // The detector does not call GridDecoder.Decode: its Postprocessor decodes each candidate (through
        // GridDecoder.DecodeBox). Check that path on the same rows: with no threshold and no suppression every
        // anchor becomes a detection whose box is the official decoded box (ratio 1, no clipping).
        var all = Postprocessor.Run(raw, 80, grid, LetterboxInfo.For(416, 416, 416, 416),
            new PostprocessOptions(Confidence: 0f, Nms: 1f, MaxDetections: grid.Count, ClipBoxes: false), CocoClasses.Names);
        Assert.Equal(grid.Count, all.Count);
        var official = expected.ToArray();
        var expectedBoxes = Enumerable.Range(0, grid.Count).Select(i =>
        {
            var (cx, cy, w, h) = (official[i * 85], official[i * 85 + 1], official[i * 85 + 2], official[i * 85 + 3]);
            return (X1: cx - w / 2, Y1: cy - h / 2, X2: cx + w / 2, Y2: cy + h / 2);
        }).ToList();
        foreach (var d in all)
        {
            Assert.Contains(expectedBoxes, e => MathF.Abs(e.X1 - d.Box.X1) <= 1e-3f && MathF.Abs(e.Y1 - d.Box.Y1) <= 1e-3f &&
                MathF.Abs(e.X2 - d.Box.X2) <= 1e-3f && MathF.Abs(e.Y2 - d.Box.Y2) <= 1e-3f);
        }
    }

    [Fact]
    public void Letterbox_keeps_the_aspect_ratio_and_pads_right_and_bottom_with_114()
    {
        using var image = Solid(100, 50, new SKColor(30, 60, 90));
        var chw = new float[3 * 64 * 64];
        var info = Letterbox.Fill(image, chw, 64, 64);
        Assert.Equal((0.64, 64, 32), (info.Ratio, info.ResizedWidth, info.ResizedHeight));
        for (var y = 0; y < 64; y++)
        {
            for (var x = 0; x < 64; x++)
            {
                var inside = y < 32;
                Assert.Equal(inside ? 90f : 114f, chw[y * 64 + x]);            // B plane first
                Assert.Equal(inside ? 60f : 114f, chw[64 * 64 + y * 64 + x]);
                Assert.Equal(inside ? 30f : 114f, chw[2 * 64 * 64 + y * 64 + x]);
            }
        }
    }

    [Fact]
    public void Exact_halving_averages_2x2_blocks_like_OpenCV_INTER_AREA()
    {
        using var image = Noise(64, 64, seed: 3);
        var chw = new float[3 * 32 * 32];
        Letterbox.Fill(image, chw, 32, 32);
        var px = image.GetPixelSpan().ToArray();
        int At(int x, int y, int c) => px[y * image.RowBytes + 4 * x + c];
        for (var y = 0; y < 32; y++)
        {
            for (var x = 0; x < 32; x++)
            {
                for (var c = 0; c < 3; c++)
                {
                    var sum = At(2 * x, 2 * y, c) + At(2 * x + 1, 2 * y, c) + At(2 * x, 2 * y + 1, c) + At(2 * x + 1, 2 * y + 1, c);
                    Assert.Equal((sum + 2) >> 2, chw[c * 1024 + y * 32 + x]);
                }
            }
        }
    }

    [Fact]
    public void Upscaling_a_small_image_keeps_a_uniform_colour_uniform()
    {
        using var image = Solid(10, 7, new SKColor(200, 100, 50));
        var chw = new float[3 * 64 * 64];
        var info = Letterbox.Fill(image, chw, 64, 64);
        Assert.Equal((64, 44), (info.ResizedWidth, info.ResizedHeight));
        Assert.All(chw.AsSpan(0, 44 * 64).ToArray(), v => Assert.Equal(50f, v));           // B plane, image rows
        Assert.All(chw.AsSpan(2 * 4096, 44 * 64).ToArray(), v => Assert.Equal(200f, v));  // R plane, image rows
    }

    [Fact]
    public void Gray_rgba_and_bgra_pixels_give_the_same_bgr_planes()
    {
        using var bgra = Noise(37, 23, seed: 5);
        using var rgba = bgra.Copy(SKColorType.Rgba8888);
        var a = new float[3 * 32 * 32];
        var b = new float[3 * 32 * 32];
        Letterbox.Fill(bgra, a, 32, 32);
        Letterbox.Fill(rgba, b, 32, 32);
        Assert.Equal(a, b);

        using var gray = new SKBitmap(new SKImageInfo(37, 23, SKColorType.Gray8, SKAlphaType.Opaque));
        var gp = gray.GetPixelSpan();
        using var grayAsBgra = new SKBitmap(new SKImageInfo(37, 23, SKColorType.Bgra8888, SKAlphaType.Opaque));
        var bp = grayAsBgra.GetPixelSpan();
        for (var y = 0; y < 23; y++)
        {
            for (var x = 0; x < 37; x++)
            {
                var v = (byte)((x * 7 + y * 13) % 256);
                gp[y * gray.RowBytes + x] = v;
                bp.Slice(y * grayAsBgra.RowBytes + 4 * x, 4).Fill(v);
            }
        }
        var g = new float[3 * 32 * 32];
        var gb = new float[3 * 32 * 32];
        Letterbox.Fill(gray, g, 32, 32);
        Letterbox.Fill(grayAsBgra, gb, 32, 32);
        Assert.Equal(gb, g);
    }

    [Fact]
    public void Grayscale_jpeg_decodes_to_three_equal_channels()
    {
        using var gray = new SKBitmap(new SKImageInfo(16, 8, SKColorType.Gray8, SKAlphaType.Opaque));
        gray.GetPixelSpan().Fill(77);
        var path = _dir.Write("gray.jpg", gray.Encode(SKEncodedImageFormat.Jpeg, 100).ToArray());
        using var decoded = ImageDecoder.Decode(path);
        var p = decoded.GetPixelSpan();
        Assert.Equal((16, 8), (decoded.Width, decoded.Height));
        Assert.Equal(p[0], p[1]);
        Assert.Equal(p[1], p[2]);
        Assert.InRange(p[0], 76, 78);
    }

    [Fact]
    public void Exif_orientation_is_applied_when_decoding()
    {
        using var image = Noise(24, 16, seed: 9);
        var jpeg = image.Encode(SKEncodedImageFormat.Jpeg, 100).ToArray();
        using var plain = ImageDecoder.Decode(jpeg);
        foreach (var (orientation, swaps) in new[] { (3, false), (6, true), (8, true) })
        {
            using var rotated = ImageDecoder.Decode(WithExifOrientation(jpeg, orientation));
            Assert.Equal(swaps ? (16, 24) : (24, 16), (rotated.Width, rotated.Height));
            // EXIF 6: rotate 90° clockwise: displayed (x, y) comes from stored (y, H − 1 − x).
            var (x, y) = (3, 5);
            var (sx, sy) = orientation switch { 3 => (23 - x, 15 - y), 6 => (y, 15 - x), _ => (23 - y, x) };
            Assert.Equal(plain.GetPixel(sx, sy), rotated.GetPixel(x, y));
        }
    }

    [Fact]
    public void Sixteen_bit_png_and_transparent_png_are_accepted()
    {
        var png = Png16(8, 4, 0x4000, 0x8000, 0xC000); // R ≈ 64, G ≈ 128, B ≈ 192 in 8 bits
        Assert.Equal(16, png[24]); // IHDR bit depth: the file really is 16-bit
        using var decoded = ImageDecoder.Decode(png, "deep.png");
        var c = decoded.GetPixel(2, 2);
        Assert.InRange(c.Red, 63, 65);
        Assert.InRange(c.Green, 127, 129);
        Assert.InRange(c.Blue, 191, 193);

        using var clear = new SKBitmap(new SKImageInfo(4, 4, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var cp = clear.GetPixelSpan();
        for (var i = 0; i < cp.Length; i += 4)
        {
            (cp[i], cp[i + 1], cp[i + 2], cp[i + 3]) = (200, 100, 50, 0);
        }
        using var transparent = ImageDecoder.Decode(clear.Encode(SKEncodedImageFormat.Png, 100).ToArray(), "clear.png");
        var chw = new float[3 * 32 * 32];
        Letterbox.Fill(transparent, chw, 32, 32);
        // Like cv2.imread(IMREAD_COLOR): alpha is dropped, the stored colour is kept (B, G, R planes).
        Assert.Equal((50f, 100f, 200f), (chw[0], chw[1024], chw[2048]));
    }

    /// <summary>A 16-bit RGB PNG of one colour, written by hand (zlib + CRC-32) since Skia encodes 8-bit only.</summary>
    private static byte[] Png16(int w, int h, ushort r, ushort g, ushort b)
    {
        var raw = new MemoryStream();
        for (var y = 0; y < h; y++)
        {
            raw.WriteByte(0); // filter: none
            for (var x = 0; x < w; x++)
            {
                foreach (var v in new[] { r, g, b })
                {
                    raw.WriteByte((byte)(v >> 8));
                    raw.WriteByte((byte)v);
                }
            }
        }
        var idat = new MemoryStream();
        using (var z = new System.IO.Compression.ZLibStream(idat, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        {
            raw.WriteTo(z);
        }
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, w);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), h);
        (ihdr[8], ihdr[9]) = (16, 2); // 16 bits per sample, truecolour
        var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10]);
        Chunk(png, "IHDR", ihdr);
        Chunk(png, "IDAT", idat.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        var header = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(header, data.Length);
        System.Text.Encoding.ASCII.GetBytes(type, header.AsSpan(4));
        png.Write(header);
        png.Write(data);
        var crc = 0xFFFFFFFFu;
        foreach (var v in header.AsSpan(4).ToArray().Concat(data))
        {
            crc ^= v;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }
        var tail = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(tail, ~crc);
        png.Write(tail);
    }

    internal static SKBitmap Solid(int w, int h, SKColor color)
    {
        var bitmap = new SKBitmap(new SKImageInfo(w, h, SKColorType.Bgra8888, SKAlphaType.Opaque));
        bitmap.Erase(color);
        return bitmap;
    }

    internal static SKBitmap Noise(int w, int h, int seed)
    {
        var bitmap = new SKBitmap(new SKImageInfo(w, h, SKColorType.Bgra8888, SKAlphaType.Opaque));
        var random = new Random(seed);
        var p = bitmap.GetPixelSpan();
        random.NextBytes(p);
        for (var i = 3; i < p.Length; i += 4)
        {
            p[i] = 255;
        }
        return bitmap;
    }

    /// <summary>Inserts an APP1 Exif segment with only the Orientation tag right after the JPEG's SOI marker.</summary>
    private static byte[] WithExifOrientation(byte[] jpeg, int orientation)
    {
        byte[] tiff =
        [
            (byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0,        // little-endian TIFF header, IFD0 at offset 8
            1, 0,                                            // one entry
            0x12, 0x01, 3, 0, 1, 0, 0, 0, (byte)orientation, 0, 0, 0, // Orientation, SHORT, count 1, value
            0, 0, 0, 0,                                      // no next IFD
        ];
        var payload = "Exif\0\0"u8.ToArray().Concat(tiff).ToArray();
        var length = payload.Length + 2;
        byte[] segment = [0xFF, 0xE1, (byte)(length >> 8), (byte)length, .. payload];
        return [.. jpeg[..2], .. segment, .. jpeg[2..]];
    }
}
