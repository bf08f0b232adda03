using Xunit;
using YoloX.Training.Augmentation;

namespace YoloX.Training.Tests.Augmentation;

/// <summary>Grey-level differences between two 8-bit images (or an 8-bit image and float CHW values).</summary>
internal sealed record ImageDiff(int Max, long Differing, long AboveOne, long Total)
{
    public double FractionDiffering => (double)Differing / Total;

    public double FractionAboveOne => (double)AboveOne / Total;

    public override string ToString() =>
        $"max {Max}, {FractionDiffering:P3} of values differ, {FractionAboveOne:P3} by more than 1";

    public static ImageDiff Of(BgrImage actual, BgrImage expected)
    {
        Assert.Equal((expected.Width, expected.Height), (actual.Width, actual.Height));
        int max = 0;
        long differing = 0, aboveOne = 0;
        var (a, e) = (actual.Data, expected.Data);
        for (var i = 0; i < a.Length; i++)
        {
            var d = Math.Abs(a[i] - e[i]);
            max = Math.Max(max, d);
            if (d > 0) differing++;
            if (d > 1) aboveOne++;
        }
        return new ImageDiff(max, differing, aboveOne, a.Length);
    }

    public static ImageDiff Of(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        int max = 0;
        long differing = 0, aboveOne = 0;
        for (var i = 0; i < actual.Length; i++)
        {
            Assert.True(float.IsFinite(actual[i]) && float.IsFinite(expected[i]), $"non-finite value at {i}");
            var d = (int)Math.Abs(actual[i] - expected[i]);
            Assert.True(Math.Abs(actual[i] - expected[i]) == d, $"non-integer pixel value at {i}: {actual[i]} vs {expected[i]}");
            max = Math.Max(max, d);
            if (d > 0) differing++;
            if (d > 1) aboveOne++;
        }
        return new ImageDiff(max, differing, aboveOne, actual.Length);
    }
}
