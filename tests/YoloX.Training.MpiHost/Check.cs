namespace YoloX.Training.MpiHost;

/// <summary>The scenarios' assertions (no test framework runs inside mpirun).</summary>
internal static class Check
{
    public static void True(bool condition, string what)
    {
        if (!condition)
            throw new ScenarioFailedException(what);
    }

    public static void Equal<T>(T expected, T actual, string what) where T : IEquatable<T>
    {
        if (!expected.Equals(actual))
            throw new ScenarioFailedException($"{what}: expected {expected}, got {actual}.");
    }

    /// <summary>Exact element-wise equality (NaN fails: it never equals anything).</summary>
    public static void SequenceEqual(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, string what)
    {
        True(expected.Length == actual.Length, $"{what}: lengths {expected.Length} vs {actual.Length}");
        for (var i = 0; i < expected.Length; i++)
        {
            if (!(expected[i] == actual[i]))
                throw new ScenarioFailedException($"{what}: element {i} expected {expected[i]}, got {actual[i]}.");
        }
    }
}
