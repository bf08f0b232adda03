using Xunit.Abstractions;
using YoloX.Core.Weights;
using YoloX.Inference.Processing;
using YoloX.Testing;

namespace YoloX.Inference.Tests;

public sealed class PreprocessingParityTests(ITestOutputHelper output)
{
    [Fact]
    public void Letterbox_of_dog_jpg_matches_the_official_ValTransform_at_416()
    {
        var golden = RawTensorFile.ReadMap(SharedAssets.Golden("dog_input_416.json"))["images"].Float32!;
        using var image = ImageDecoder.Decode(SharedAssets.DogJpg);
        var chw = new float[3 * 416 * 416];
        var info = Letterbox.Fill(image, chw, 416, 416);

        Assert.Equal((416, 312), (info.ResizedWidth, info.ResizedHeight));
        Assert.Equal(0.5416666666666666, info.Ratio, 12);
        var (maxDiff, differing) = Compare(chw, golden);
        output.WriteLine($"dog.jpg letterbox vs official: max |diff| = {maxDiff}, differing values = {differing} of {chw.Length}");
        // Skia's libjpeg-turbo decodes the same pixels as OpenCV's, and the resize replays OpenCV's fixed-point
        // INTER_LINEAR, so the tensor is bit-exact (measured: 0 differing values).
        Assert.True(differing == 0, $"max |diff| {maxDiff}, {differing} values differ from the official tensor");
    }

    internal static (float Max, int Count) Compare(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        var (max, count) = (0f, 0);
        for (var i = 0; i < a.Length; i++)
        {
            var d = MathF.Abs(a[i] - b[i]);
            if (d > 0)
            {
                count++;
                max = MathF.Max(max, d);
            }
        }
        return (max, count);
    }
}
