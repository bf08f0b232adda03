using TorchSharp;
using Xunit;
using YoloX.Core.Modules;
using static TorchSharp.torch;

namespace YoloX.Core.Tests.Modules;

/// <summary>
/// SPPBottleneck runs its pools 5, 9, 13 as a cascade of pools of 5; values and gradients must be those of the three
/// independent pools the official block runs (no official fixture isolates the block; the golden model, loss and
/// gradient tests cover it inside the network).
/// </summary>
public sealed class SPPBottleneckTests
{
    [Theory]
    [InlineData(new long[] { 5, 9, 13 }, new long[] { 5, 5, 5 })]
    [InlineData(new long[] { 3, 7 }, new long[] { 3, 5 })]
    [InlineData(new long[] { 13, 9, 5 }, null)]
    [InlineData(new long[] { 4, 8 }, null)]
    public void Odd_increasing_pool_sizes_become_a_cascade_and_others_stay_independent(long[] sizes, long[]? expected)
    {
        Assert.Equal(expected, SPPBottleneck.CascadeOf(sizes));
    }

    [Theory]
    [InlineData(13)]
    [InlineData(20)]
    [InlineData(3)]
    public void The_cascade_gives_the_independent_pools_values_bit_for_bit_and_their_gradients(int side)
    {
        using var scope = torch.NewDisposeScope();
        var generator = new torch.Generator(5);
        long[] sizes = [5, 9, 13];
        // Random floats have no ties, so every window has one maximum and both ways route the gradient to it.
        var x = torch.randn([2, 4, side, side], generator: generator).requires_grad_();
        var weights = sizes.Select(_ => torch.randn([2, 4, side, side], generator: generator)).ToArray();

        var cascaded = SPPBottleneck.CascadedPools(x, SPPBottleneck.CascadeOf(sizes)!).ToArray();
        var cascadedGrad = torch.autograd.grad([Weighted(cascaded, weights)], [x])[0];
        var independent = sizes.Select(k => nn.functional.max_pool2d(x, k, stride: 1, padding: k / 2)).ToArray();
        var independentGrad = torch.autograd.grad([Weighted(independent, weights)], [x])[0];

        for (var i = 0; i < sizes.Length; i++)
        {
            Assert.True(cascaded[i].isfinite().all().item<bool>());
            Assert.True(cascaded[i].equal(independent[i]).all().item<bool>(), $"pool {sizes[i]} differs");
        }
        // The gradient reaches each maximum along other paths, so its float sums run in another order: equal up to
        // rounding (a routing difference would be off by a whole weight, of order 1).
        Assert.True(cascadedGrad.isfinite().all().item<bool>());
        var diff = (cascadedGrad - independentGrad).abs().max().item<float>();
        Assert.True(diff <= 1e-5f, $"max |gradient difference| = {diff}");
    }

    private static Tensor Weighted(Tensor[] pools, Tensor[] weights) =>
        pools.Zip(weights, (p, w) => (p * w).sum()).Aggregate((a, b) => a + b);
}
