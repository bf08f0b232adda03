namespace YoloX.Training.Augmentation;

/// <summary>
/// Continuous distributions built only on <see cref="IRandomSource.NextDouble"/>, so they stay reproducible with a
/// seeded source: the standard normal (Marsaglia's polar method), Gamma (Marsaglia–Tsang) and Beta (a ratio of two
/// Gammas). These are the algorithms of NumPy's legacy <c>np.random.beta</c> for a or b above 1 (as MindYOLO's
/// Beta(8, 8) MixUp is), except that NumPy caches the polar method's second normal and we do not; the values are
/// therefore drawn from the same distribution, not the same stream.
/// </summary>
public static class RandomDistributions
{
    /// <summary>A standard normal by Marsaglia's polar method (uses 2 or more uniforms, keeps one of the pair).</summary>
    public static double StandardNormal(IRandomSource random)
    {
        ArgumentNullException.ThrowIfNull(random);
        double x, y, r2;
        do
        {
            x = 2 * random.NextDouble() - 1;
            y = 2 * random.NextDouble() - 1;
            r2 = x * x + y * y;
        }
        while (r2 >= 1 || r2 == 0);
        return x * Math.Sqrt(-2 * Math.Log(r2) / r2);
    }

    /// <summary>
    /// Gamma(<paramref name="shape"/>, 1) by Marsaglia and Tsang (2000), "A simple method for generating gamma
    /// variables": for shape ≥ 1, d = shape − 1/3, c = 1/√(9d), repeat x ~ N(0, 1), v = (1 + c·x)³, u ~ U(0, 1) until
    /// u &lt; 1 − 0.0331·x⁴ or ln u &lt; x²/2 + d·(1 − v + ln v), and return d·v. For shape &lt; 1 their boost:
    /// Gamma(shape + 1) · u^(1/shape).
    /// </summary>
    public static double Gamma(IRandomSource random, double shape)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (!(shape > 0) || double.IsInfinity(shape))
            throw new ArgumentOutOfRangeException(nameof(shape), shape, "The Gamma shape must be finite and positive.");
        if (shape < 1)
        {
            var boosted = Gamma(random, shape + 1);
            return boosted * Math.Pow(random.NextDouble(), 1 / shape);
        }
        var d = shape - 1.0 / 3.0;
        var c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = StandardNormal(random);
                v = 1 + c * x;
            }
            while (v <= 0);
            v = v * v * v;
            var u = random.NextDouble();
            var x2 = x * x;
            if (u < 1 - 0.0331 * x2 * x2)
                return d * v;
            if (Math.Log(u) < 0.5 * x2 + d * (1 - v + Math.Log(v)))
                return d * v;
        }
    }

    /// <summary>Beta(<paramref name="a"/>, <paramref name="b"/>) as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b), drawn in that order.</summary>
    public static double Beta(IRandomSource random, double a, double b)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (!(a > 0) || !(b > 0) || double.IsInfinity(a) || double.IsInfinity(b))
            throw new ArgumentOutOfRangeException(nameof(a), (a, b), "Beta parameters must be finite and positive.");
        var x = Gamma(random, a);
        var y = Gamma(random, b);
        // Both can underflow to 0 for tiny shapes; NumPy's Johnk branch would handle those, here it is a coin toss.
        var sum = x + y;
        return sum > 0 ? x / sum : (random.NextDouble() < a / (a + b) ? 1.0 : 0.0);
    }
}
