namespace YoloX.Training.Augmentation;

/// <summary>
/// A small, fast, seedable <see cref="IRandomSource"/> (xoshiro256** seeded through SplitMix64): the same seed gives
/// the same stream on every platform and .NET version (unlike <see cref="Random"/>, whose algorithm may change).
/// Not thread-safe: one instance per sample.
/// </summary>
public sealed class SeededRandomSource : IRandomSource
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>Seeds the stream from one 64-bit value.</summary>
    public SeededRandomSource(ulong seed)
    {
        var sm = seed;
        _s0 = SplitMix(ref sm);
        _s1 = SplitMix(ref sm);
        _s2 = SplitMix(ref sm);
        _s3 = SplitMix(ref sm);
    }

    /// <summary>
    /// The stream of one sample: a pure function of the run seed, the epoch and the sample's position in the epoch,
    /// so worker scheduling, the number of workers and the number of ranks never change what a sample draws.
    /// </summary>
    public static SeededRandomSource ForSample(long seed, int epoch, long position)
    {
        var h = Mix((ulong)seed ^ 0x9E3779B97F4A7C15UL);
        h = Mix(h ^ (ulong)(uint)epoch);
        h = Mix(h ^ (ulong)position);
        return new SeededRandomSource(h);
    }

    /// <inheritdoc />
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <inheritdoc />
    public double Uniform(double a, double b) => a + (b - a) * NextDouble();

    /// <inheritdoc />
    public int RandInt(int a, int b)
    {
        if (b < a)
            throw new ArgumentOutOfRangeException(nameof(b), "randint needs a ≤ b.");
        var span = (ulong)((long)b - a + 1);
        return (int)(a + (long)NextBelow(span));
    }

    /// <inheritdoc />
    public void UniformArray(double low, double high, Span<double> values)
    {
        for (var i = 0; i < values.Length; i++)
            values[i] = low + (high - low) * NextDouble();
    }

    /// <inheritdoc />
    public void RandIntArray(int low, int high, Span<int> values)
    {
        if (high <= low)
            throw new ArgumentOutOfRangeException(nameof(high), "randint needs low < high.");
        for (var i = 0; i < values.Length; i++)
            values[i] = (int)(low + (long)NextBelow((ulong)((long)high - low)));
    }

    /// <summary>An integer in [0, n) without modulo bias (Lemire's method).</summary>
    private ulong NextBelow(ulong n)
    {
        var x = NextUInt64();
        var m = Math.BigMul(x, n, out var low);
        if (low < n)
        {
            var threshold = (0 - n) % n;
            while (low < threshold)
            {
                x = NextUInt64();
                m = Math.BigMul(x, n, out low);
            }
        }
        return m;
    }

    private ulong NextUInt64()
    {
        var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    private static ulong SplitMix(ref ulong state)
    {
        state += 0x9E3779B97F4A7C15UL;
        return Mix(state);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
