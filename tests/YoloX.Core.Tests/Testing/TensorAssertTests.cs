using TorchSharp;
using Xunit;
using Xunit.Sdk;
using YoloX.Testing;

namespace YoloX.Core.Tests.Testing;

/// <summary>The parity helpers themselves: a comparison that NaN or Inf can pass would hide a broken model.</summary>
public sealed class TensorAssertTests
{
    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void Close_fails_when_the_actual_value_is_not_finite_and_the_reference_is(float bad)
    {
        using var expected = torch.tensor(new[] { 1f, 2f, 3f });
        using var actual = torch.tensor(new[] { 1f, bad, 3f });
        Assert.ThrowsAny<XunitException>(() => TensorAssert.Close(expected, actual, atol: 1e3));
    }

    [Fact]
    public void Close_accepts_equal_non_finite_references_and_close_values()
    {
        using var expected = torch.tensor(new[] { 1f, float.PositiveInfinity, float.NaN });
        using var actual = torch.tensor(new[] { 1.0005f, float.PositiveInfinity, float.NaN });
        Assert.Equal(0.0005, TensorAssert.Close(expected, actual, atol: 1e-3), 1e-6);
    }

    [Fact]
    public void Close_fails_when_a_finite_value_replaces_a_non_finite_reference()
    {
        using var expected = torch.tensor(new[] { float.NaN });
        using var actual = torch.tensor(new[] { 0f });
        Assert.ThrowsAny<XunitException>(() => TensorAssert.Close(expected, actual, atol: 1e3));
    }

    [Fact]
    public void MaxAbsDiff_fails_on_NaN_which_LINQ_Max_would_skip()
    {
        float[] expected = [1f, 2f];
        float[] actual = [1f, float.NaN];
        Assert.ThrowsAny<XunitException>(() => TensorAssert.MaxAbsDiff(expected, actual));
        Assert.Equal(0.5, TensorAssert.MaxAbsDiff([1f, 2f], [1.5f, 2f]), 1e-9);
    }
}
