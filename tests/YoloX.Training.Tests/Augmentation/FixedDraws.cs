using YoloX.Training.Augmentation;

namespace YoloX.Training.Tests.Augmentation;

/// <summary>Returns the given values in order, whatever the bounds (uniforms, random() and randint alike).</summary>
internal sealed class FixedDraws(params double[] values) : IRandomSource
{
    private int _next;

    public double NextDouble() => values[_next++];

    public double Uniform(double a, double b) => values[_next++];

    public int RandInt(int a, int b) => (int)values[_next++];

    public void UniformArray(double low, double high, Span<double> v) => throw new NotSupportedException();

    public void RandIntArray(int low, int high, Span<int> v) => throw new NotSupportedException();
}
