using TorchSharp;
using Xunit;
using YoloX.Training.Distributed;
using static TorchSharp.torch;

namespace YoloX.Training.Tests.Distributed;

/// <summary>The data-parallel pieces on one process: they must leave everything exactly as it is.</summary>
public sealed class SingleProcessDistributedTests
{
    private static readonly IDistributedContext One = SingleProcessContext.Instance;

    [Fact]
    public void The_averager_leaves_gradients_untouched_on_one_process()
    {
        using var scope = torch.NewDisposeScope();
        var g = torch.arange(10, dtype: ScalarType.Float32);
        var before = g.clone();
        var averager = new BucketedGradientAverager(One);
        averager.Average([g]);
        Assert.True(g.equal(before).all().item<bool>());
        Assert.Equal(0, averager.Statistics.Calls);
    }

    [Fact]
    public void The_averager_rejects_missing_and_integer_gradients()
    {
        using var scope = torch.NewDisposeScope();
        var averager = new BucketedGradientAverager(One);
        Assert.Throws<ArgumentException>(() => averager.Average([null!]));
        Assert.Throws<NotSupportedException>(() => averager.Average([torch.ones(3, dtype: ScalarType.Int64)]));
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(7L)]
    [InlineData(2L << 30)]
    public void Bucket_sizes_outside_8_bytes_to_1_GiB_are_rejected(long bytes)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new GradientBucketOptions { BucketSizeBytes = bytes }.Validate());
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(12L)]
    public void The_global_foreground_scale_is_one_on_one_process(long foreground)
    {
        Assert.Equal(1.0, ForegroundNormalizationScale.Compute(One, foreground));
        Assert.Equal(1.0, ForegroundNormalizationScale.Compute(One, foreground, ForegroundNormalization.PerRank));
    }

    [Fact]
    public void State_broadcast_and_BatchNorm_averaging_change_nothing_on_one_process()
    {
        using var scope = torch.NewDisposeScope();
        using var model = nn.Sequential(("conv", nn.Conv2d(3, 4, 3)), ("bn", nn.BatchNorm2d(4)));
        var before = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        ModelSynchronizer.BroadcastState(model, One);
        Assert.Equal(5, BatchNormStatistics.AllReduceMean(model, One));
        Assert.Equal(0, ModelSynchronizer.CountMismatches(model, One));
        foreach (var (name, value) in model.state_dict())
            Assert.True(value.equal(before[name]).all().item<bool>(), name);
    }

    [Fact]
    public void Agreement_helpers_are_the_identity_on_one_process()
    {
        Assert.True(One.AllRanksAgree(true));
        Assert.False(One.AllRanksAgree(false));
        Assert.Equal(5, One.SumOverRanks(5));
        Assert.Equal(2.5, One.MeanOverRanks(2.5));
        Assert.Equal(640, One.BroadcastValue(640));
    }
}
