using Xunit;
using System.Text.Json;
using YoloX.Training.Augmentation;

namespace YoloX.Training.Tests.Augmentation;

/// <summary>
/// Replays a golden case's recorded draws: each call must be the function the official code called at that point
/// (so a wrong draw order fails loudly), and every draw must be consumed.
/// </summary>
internal sealed class ScriptedRandomSource : IRandomSource
{
    private readonly List<JsonElement> _draws;
    private int _next;

    public ScriptedRandomSource(JsonElement draws) => _draws = [.. draws.EnumerateArray()];

    public int Remaining => _draws.Count - _next;

    public void AssertConsumed()
    {
        if (Remaining != 0)
            throw new InvalidOperationException($"{Remaining} scripted draws were not consumed (next: {_draws[_next]}).");
    }

    public double NextDouble() => Take("random.random").GetDouble();

    public double Uniform(double a, double b)
    {
        var draw = Take("random.uniform", out var args);
        CheckArgs(args, a, b);
        return draw.GetDouble();
    }

    public int RandInt(int a, int b)
    {
        var draw = Take("random.randint", out var args);
        CheckArgs(args, a, b);
        return draw.GetInt32();
    }

    public void UniformArray(double low, double high, Span<double> values)
    {
        var draw = Take("np.random.uniform", out var args);
        CheckArgs(args, low, high);
        var i = 0;
        foreach (var v in draw.EnumerateArray())
            values[i++] = v.GetDouble();
        if (i != values.Length)
            throw new InvalidOperationException($"np.random.uniform: script has {i} values, code asked for {values.Length}.");
    }

    public void RandIntArray(int low, int high, Span<int> values)
    {
        var draw = Take("np.random.randint", out var args);
        CheckArgs(args, low, high);
        var i = 0;
        foreach (var v in draw.EnumerateArray())
            values[i++] = v.GetInt32();
        if (i != values.Length)
            throw new InvalidOperationException($"np.random.randint: script has {i} values, code asked for {values.Length}.");
    }

    private JsonElement Take(string fn) => Take(fn, out _);

    private JsonElement Take(string fn, out JsonElement args)
    {
        if (_next >= _draws.Count)
            throw new InvalidOperationException($"Unscripted draw {fn}: the official code made only {_draws.Count} draws.");
        var draw = _draws[_next++];
        var expected = draw.GetProperty("fn").GetString();
        if (expected != fn)
            throw new InvalidOperationException($"Draw {_next - 1}: the official code called {expected} ({draw.GetProperty("purpose")}), ours called {fn}.");
        args = draw.GetProperty("args");
        return draw.GetProperty("value");
    }

    // The official call's bounds must be ours too (within float rounding of how they were computed).
    private void CheckArgs(JsonElement args, double a, double b)
    {
        var list = args.EnumerateArray().ToArray();
        if (Math.Abs(list[0].GetDouble() - a) > 1e-9 || Math.Abs(list[1].GetDouble() - b) > 1e-9)
            throw new InvalidOperationException($"Draw {_next - 1}: official bounds ({list[0]}, {list[1]}), ours ({a}, {b}).");
    }
}
