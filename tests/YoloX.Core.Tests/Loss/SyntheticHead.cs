using TorchSharp;
using static TorchSharp.torch;

namespace YoloX.Core.Tests.Loss;

/// <summary>Deterministic fake head outputs and target tensors for loss tests that need no network.</summary>
internal static class SyntheticHead
{
    public static readonly int[] Strides = [8, 16, 32];

    /// <summary>
    /// Level outputs <c>[B, 5 + C, S/s, S/s]</c>: raw regressions ~ N(0, 0.3²) (boxes about one stride in size),
    /// objectness and class logits ~ N(−3, 1), from a seeded generator.
    /// </summary>
    public static Tensor[] Levels(int batch, int imageSize, int numClasses, long seed, bool requiresGrad = false)
    {
        var generator = new torch.Generator((ulong)seed);
        return Strides.Select(s =>
        {
            var n = imageSize / s;
            using var reg = torch.randn([batch, 4, n, n], generator: generator) * 0.3;
            using var logits = torch.randn([batch, 1 + numClasses, n, n], generator: generator) - 3.0;
            return torch.cat([reg, logits], 1).requires_grad_(requiresGrad);
        }).ToArray();
    }

    /// <summary>Padded targets <c>[B, M, 5]</c> from per-image rows (class, cx, cy, w, h).</summary>
    public static Tensor Targets(int maxLabels, params float[][][] images)
    {
        var data = new float[images.Length * maxLabels * 5];
        for (var b = 0; b < images.Length; b++)
        {
            for (var r = 0; r < images[b].Length; r++)
            {
                Array.Copy(images[b][r], 0, data, (b * maxLabels + r) * 5, 5);
            }
        }
        return torch.tensor(data, [images.Length, maxLabels, 5]);
    }

    /// <summary><paramref name="count"/> random boxes inside an image of side <paramref name="imageSize"/>.</summary>
    public static float[][] RandomBoxes(int count, int imageSize, int numClasses, int seed, float minSide = 8, float maxSide = 64)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var w = minSide + (float)rng.NextDouble() * (maxSide - minSide);
            var h = minSide + (float)rng.NextDouble() * (maxSide - minSide);
            var cx = w / 2 + (float)rng.NextDouble() * (imageSize - w);
            var cy = h / 2 + (float)rng.NextDouble() * (imageSize - h);
            return new float[] { rng.Next(numClasses), cx, cy, w, h };
        }).ToArray();
    }
}
