namespace YoloX.Inference.Tests.Export;

/// <summary>Element-wise comparison that fails on NaN/Inf and reports the largest error.</summary>
internal static class FloatCompare
{
    /// <summary>Asserts |a − e| ≤ atol + rtol·|e| everywhere and every value finite; returns max |a − e|.</summary>
    public static double AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double atol, double rtol, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} values, expected {expected.Length}.");
        double max = 0;
        var violations = 0;
        var firstBad = -1;
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(float.IsFinite(expected[i]) && float.IsFinite(actual[i]), $"{what}: non-finite value at {i} ({expected[i]} vs {actual[i]}).");
            var d = Math.Abs((double)actual[i] - expected[i]);
            max = Math.Max(max, d);
            if (d > atol + rtol * Math.Abs(expected[i]))
            {
                violations++;
                firstBad = firstBad < 0 ? i : firstBad;
            }
        }
        if (violations > 0)
        {
            Assert.Fail($"{what}: {violations} of {expected.Length} values exceed {atol} + {rtol}·|e|; max |diff| {max:G4}; " +
                $"first at {firstBad} ({expected[firstBad]} vs {actual[firstBad]}); max |e| {MaxAbs(expected):G4}.");
        }
        return max;
    }

    public static double MaxAbs(ReadOnlySpan<float> values)
    {
        double m = 0;
        foreach (var v in values)
        {
            m = Math.Max(m, Math.Abs(v));
        }
        return m;
    }
}
