using Xunit;
using YoloX.Training.Augmentation;

namespace YoloX.Training.Tests.Augmentation;

/// <summary>
/// The table-driven <see cref="HsvAugment.ApplyGains"/> gives, pixel for pixel, the per-pixel OpenCV formulas of
/// <see cref="OpenCvHsv"/> (the AVX2 kernel on the first ⌊W/32⌋·32 pixels of a row, its scalar code on the rest).
/// </summary>
public sealed class HsvGainsTests
{
    [Theory]
    [InlineData(HsvRounding.OpenCvAvx2, 5, 30, 30)]
    [InlineData(HsvRounding.OpenCvAvx2, -4, -30, -17)]
    [InlineData(HsvRounding.OpenCvAvx2, 0, 0, 0)]
    [InlineData(HsvRounding.OpenCvScalar, 3, -12, 25)]
    [InlineData(HsvRounding.OpenCvScalar, -5, 30, -30)]
    public void Gains_equal_the_per_pixel_formulas_on_every_code_path(HsvRounding rounding, int hue, int saturation, int value)
    {
        // 77 wide: two 32-pixel SIMD blocks and a 13-pixel scalar tail per row; random colours plus greys (s = 0).
        var image = new BgrImage(77, 40);
        new Random(3).NextBytes(image.Data);
        for (var x = 0; x < 77; x++)
            image.Row(0).Slice(3 * x, 3).Fill((byte)(x * 3));
        var original = image.Clone();
        HsvAugment.ApplyGains(image, hue, saturation, value, rounding);
        for (var y = 0; y < image.Height; y++)
            for (var x = 0; x < image.Width; x++)
            {
                var i = y * image.Stride + 3 * x;
                var (h, s, v) = OpenCvHsv.BgrToHsv(original.Data[i], original.Data[i + 1], original.Data[i + 2]);
                var nh = (byte)(((h + hue) % 180 + 180) % 180);
                var ns = (byte)Math.Clamp(s + saturation, 0, 255);
                var nv = (byte)Math.Clamp(v + value, 0, 255);
                var expected = rounding == HsvRounding.OpenCvScalar ? OpenCvHsv.HsvToBgr(nh, ns, nv)
                    : x < 64 ? OpenCvHsv.HsvToBgrSimd(nh, ns, nv) : OpenCvHsv.HsvToBgrScalarFused(nh, ns, nv);
                Assert.Equal(expected, (image.Data[i], image.Data[i + 1], image.Data[i + 2]));
            }
    }
}
