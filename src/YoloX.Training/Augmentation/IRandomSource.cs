namespace YoloX.Training.Augmentation;

/// <summary>
/// Where every augmentation takes its randomness from. The methods mirror the Python calls the official code makes
/// (<c>random.random</c>, <c>random.uniform</c>, <c>random.randint</c>, <c>np.random.uniform(size=n)</c>,
/// <c>np.random.randint(size=n)</c>), one call per official call and in the same order, so a scripted source can
/// replay the official draws exactly (the golden tests do) and a seeded one makes a sample reproducible.
/// </summary>
public interface IRandomSource
{
    /// <summary><c>random.random()</c>: uniform in [0, 1).</summary>
    double NextDouble();

    /// <summary><c>random.uniform(a, b)</c>: uniform between <paramref name="a"/> and <paramref name="b"/>.</summary>
    double Uniform(double a, double b);

    /// <summary><c>random.randint(a, b)</c>: an integer in [a, b], both ends included.</summary>
    int RandInt(int a, int b);

    /// <summary><c>np.random.uniform(low, high, size)</c>: fills <paramref name="values"/> with uniforms in [low, high).</summary>
    void UniformArray(double low, double high, Span<double> values);

    /// <summary><c>np.random.randint(low, high, size)</c>: fills <paramref name="values"/> with integers in [low, high).</summary>
    void RandIntArray(int low, int high, Span<int> values);

    /// <summary>
    /// <c>np.random.beta(a, b)</c>: a Beta-distributed ratio in [0, 1] (MindYOLO's MixUp blend). The default draws
    /// it from <see cref="NextDouble"/> through <see cref="RandomDistributions.Beta"/> (two Gamma draws); a source
    /// replaying recorded draws can return the recorded value instead.
    /// </summary>
    double Beta(double a, double b) => RandomDistributions.Beta(this, a, b);
}
