using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// The official timings.py <c>synth_targets</c>: 8 boxes per image, sides 8 px to 0.45·size + 8, fully inside,
/// 80 classes, padded to 120 rows (same distribution, our own seeded draws).
/// </summary>
internal static class SyntheticTargets
{
    public static Tensor Create(int batch, int size, int seed)
    {
        var random = new Random(seed);
        var rows = new float[batch * 120 * 5];
        for (var b = 0; b < batch; b++)
            for (var j = 0; j < 8; j++)
            {
                var w = (float)(random.NextDouble() * size * 0.45 + 8);
                var h = (float)(random.NextDouble() * size * 0.45 + 8);
                var o = (b * 120 + j) * 5;
                rows[o] = random.Next(80);
                rows[o + 1] = (float)(random.NextDouble() * (size - w) + w / 2);
                rows[o + 2] = (float)(random.NextDouble() * (size - h) + h / 2);
                rows[o + 3] = w;
                rows[o + 4] = h;
            }
        return torch.tensor(rows, [batch, 120, 5]);
    }
}
