using YoloX.Training.Distributed;

namespace YoloX.Training.Engine;

/// <summary>
/// The official multiscale training size (<c>random_resize</c>): every N iterations a new size from
/// <c>random_size</c> (or input ± <c>multiscale_range</c>) × 32, keeping the aspect ratio of the input. Drawn on rank 0
/// and broadcast, as the official trainer does. The draw is a pure function of (seed, iteration), so a resumed run
/// draws the same sizes without any saved RNG state.
/// </summary>
internal sealed class MultiscaleSizer
{
    private readonly (int Min, int Max)? range;
    private readonly int baseHeight;
    private readonly int baseWidth;
    private readonly int interval;
    private readonly int seed;
    private readonly IDistributedContext distributed;

    public MultiscaleSizer(TrainingRecipe recipe, (int Height, int Width) inputSize, IDistributedContext distributed)
    {
        (baseHeight, baseWidth) = inputSize;
        interval = recipe.MultiscaleInterval;
        seed = recipe.Seed;
        this.distributed = distributed;
        range = recipe.RandomSize ?? (recipe.MultiscaleRange > 0
            ? (Math.Max(1, baseHeight / 32 - recipe.MultiscaleRange), baseHeight / 32 + recipe.MultiscaleRange)
            : null);
    }

    /// <summary>True when multiscale training is on.</summary>
    public bool Enabled => range is not null;

    /// <summary>
    /// After iteration <paramref name="iteration"/> (0-based): the size for the following iterations, or <c>null</c>
    /// when it does not change now. Every rank must call it (it broadcasts).
    /// </summary>
    public (int Height, int Width)? AfterIteration(long iteration)
    {
        if (range is not { } r || (iteration + 1) % interval != 0)
        {
            return null;
        }
        Span<long> size = stackalloc long[2];
        if (distributed.IsMain)
        {
            var k = r.Min + (int)(Mix((ulong)(uint)seed, (ulong)iteration) % (ulong)(r.Max - r.Min + 1));
            size[0] = 32L * k;
            size[1] = 32L * (int)(k * (baseWidth / (double)baseHeight));
        }
        distributed.Broadcast(size);
        return ((int)size[0], (int)size[1]);
    }

    /// <summary>SplitMix64 of the seed and the iteration: well spread, platform-independent.</summary>
    private static ulong Mix(ulong seed, ulong iteration)
    {
        var z = seed * 0x9E3779B97F4A7C15UL + iteration + 0x632BE59BD9B4E019UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
