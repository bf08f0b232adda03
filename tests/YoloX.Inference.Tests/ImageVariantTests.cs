using SkiaSharp;
using Xunit.Abstractions;
using YoloX.Inference.Processing;

namespace YoloX.Inference.Tests;

/// <summary>
/// Colour variants decoded to the colour values the official pipeline (OpenCV's <c>imread</c>, colour mode) reads:
/// CMYK JPEG, grey, grey + alpha, RGBA, 16-bit PNGs, and every EXIF orientation. The fixtures were written by Pillow,
/// not SkiaSharp (Fixtures/Images/README.md); the expected values come from the formulas the generator used.
/// </summary>
public sealed class ImageVariantTests(ITestOutputHelper output)
{
    private const int W = 32;
    private const int H = 24;

    // (C, M, Y, K) per 8×8 block, as in make_fixtures.py.
    private static readonly int[][] Cmyk =
    [
        [0, 0, 0, 0], [255, 0, 0, 0], [0, 255, 0, 0], [0, 0, 255, 0],
        [0, 0, 0, 128], [64, 128, 192, 32], [200, 30, 90, 10], [10, 220, 40, 100],
        [128, 128, 128, 0], [0, 90, 180, 60], [255, 255, 0, 0], [30, 60, 90, 200],
    ];

    [Fact]
    public void Cmyk_jpeg_decodes_to_the_rgb_of_its_ink_values()
    {
        using var image = Decode("cmyk.jpg");
        Assert.Equal((W, H), (image.Width, image.Height));
        var worst = 0;
        ForEachPixel(image, (x, y, b, g, r, a) =>
        {
            var c = Cmyk[(y / 8) * (W / 8) + x / 8];
            // Naive CMYK → RGB without an ICC profile (OpenCV applies none either), R = (255 − C)(255 − K) / 255, as
            // Pillow converts. One-colour 8×8 blocks survive the JPEG round trip (0 levels measured).
            int[] expected = [Ink(c[2], c[3]), Ink(c[1], c[3]), Ink(c[0], c[3])];
            int[] actual = [b, g, r];
            for (var k = 0; k < 3; k++)
            {
                worst = Math.Max(worst, Math.Abs(expected[k] - actual[k]));
                Assert.True(Math.Abs(expected[k] - actual[k]) <= 2,
                    $"pixel ({x}, {y}) channel {"BGR"[k]}: {actual[k]}, expected {expected[k]} from CMYK ({string.Join(", ", c)})");
            }
            Assert.Equal(255, a);
        });
        output.WriteLine($"CMYK JPEG: worst channel difference {worst} levels");
    }

    [Fact]
    public void Grey_png_decodes_to_three_equal_channels_of_the_stored_value()
    {
        using var image = Decode("grey.png");
        ForEachPixel(image, (x, y, b, g, r, a) => Assert.Equal((Grey(x, y), Grey(x, y), Grey(x, y), 255), (b, g, r, a)));
    }

    [Fact]
    public void Grey_with_alpha_png_keeps_the_stored_grey_whatever_the_alpha()
    {
        using var image = Decode("grey_alpha.png");
        // Unpremultiplied: a pixel of alpha 0 or 5 still has its grey, as OpenCV (which drops alpha) reads it.
        ForEachPixel(image, (x, y, b, g, r, a) => Assert.Equal((Grey(x, y), Grey(x, y), Grey(x, y), Alpha(x, y)), (b, g, r, a)));
    }

    [Fact]
    public void Rgba_png_with_partial_alpha_keeps_the_stored_colour()
    {
        using var image = Decode("rgba.png");
        ForEachPixel(image, (x, y, b, g, r, a) =>
        {
            var (er, eg, eb) = Rgb(x, y);
            Assert.Equal((eb, eg, er, Alpha(x, y)), (b, g, r, a));
        });
        // Pre-processing drops alpha and keeps the colour in B, G, R planes.
        var chw = new float[3 * 32 * 32];
        Letterbox.Fill(image, chw, 32, 32);
        var (r0, g0, b0) = Rgb(5, 7);
        Assert.Equal(((float)b0, (float)g0, (float)r0), (chw[(7 * 32) + 5], chw[1024 + (7 * 32) + 5], chw[2048 + (7 * 32) + 5]));
    }

    [Fact]
    public void Sixteen_bit_grey_and_rgb_pngs_decode_to_the_high_byte_of_each_sample()
    {
        using var grey = Decode("grey16.png");
        using var rgb = Decode("rgb16.png");
        var worst = 0;
        // OpenCV scales 16-bit samples by 1/256 (rounded); allow one level for a decoder that truncates or uses 255/65535.
        ForEachPixel(grey, (x, y, b, g, r, a) =>
        {
            var e = Deep(Grey16(x, y));
            worst = Math.Max(worst, Math.Abs(e - b));
            Assert.True(Math.Abs(e - b) <= 1 && b == g && g == r && a == 255, $"pixel ({x}, {y}): {b}, {g}, {r}, {a}; expected {e}");
        });
        ForEachPixel(rgb, (x, y, b, g, r, a) =>
        {
            var (er, eg, eb) = Rgb16(x, y);
            int[] expected = [Deep(eb), Deep(eg), Deep(er)];
            int[] actual = [b, g, r];
            for (var k = 0; k < 3; k++)
            {
                worst = Math.Max(worst, Math.Abs(expected[k] - actual[k]));
                Assert.True(Math.Abs(expected[k] - actual[k]) <= 1, $"pixel ({x}, {y}) channel {"BGR"[k]}: {actual[k]}, expected {expected[k]}");
            }
        });
        output.WriteLine($"16-bit PNGs: worst difference from round(v / 256) {worst} levels");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void Every_exif_orientation_shows_the_same_upright_picture(int orientation)
    {
        using var image = Decode($"exif_orientation_{orientation}.jpg");
        Assert.Equal((W, H), (image.Width, image.Height));
        ForEachPixel(image, (x, y, b, g, r, a) =>
        {
            // The upright picture: 8×8 blocks of colour (255 − C, 255 − M, 255 − Y) from the CMYK table.
            var c = Cmyk[(y / 8) * (W / 8) + x / 8];
            int[] expected = [255 - c[2], 255 - c[1], 255 - c[0]];
            int[] actual = [b, g, r];
            for (var k = 0; k < 3; k++)
            {
                Assert.True(Math.Abs(expected[k] - actual[k]) <= 4,
                    $"orientation {orientation}, pixel ({x}, {y}) channel {"BGR"[k]}: {actual[k]}, expected {expected[k]}");
            }
        });
    }

    private static int Ink(int ink, int black) => (int)Math.Round((255 - ink) * (255 - black) / 255.0);

    private static int Grey(int x, int y) => ((x * 8) + (y * 3)) % 256;

    private static int Alpha(int x, int y) => ((x * 5) + (y * 11)) % 256;

    private static (int R, int G, int B) Rgb(int x, int y) => (x * 8 % 256, y * 10 % 256, ((x * 3) + (y * 7)) % 256);

    private static int Grey16(int x, int y) => ((x * 2048) + (y * 700) + 129) % 65536;

    private static (int R, int G, int B) Rgb16(int x, int y) =>
        (((x * 2000) + 77) % 65536, ((y * 2700) + 300) % 65536, ((x * 900) + (y * 1500) + 5) % 65536);

    private static int Deep(int v) => Math.Min(255, (int)Math.Round(v / 256.0));

    private static SKBitmap Decode(string name) =>
        ImageDecoder.Decode(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Images", name));

    private static void ForEachPixel(SKBitmap image, Action<int, int, int, int, int, int> check)
    {
        Assert.Equal(SKColorType.Bgra8888, image.ColorType);
        var pixels = image.GetPixelSpan().ToArray();
        for (var y = 0; y < image.Height; y++)
        {
            for (var x = 0; x < image.Width; x++)
            {
                var i = (y * image.RowBytes) + (4 * x);
                check(x, y, pixels[i], pixels[i + 1], pixels[i + 2], pixels[i + 3]);
            }
        }
    }
}
