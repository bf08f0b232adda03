using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using YoloX.Core.Modules;
using static TorchSharp.torch;

namespace YoloX.Core.Tests.Modules;

/// <summary>
/// BaseConv runs the batch norm's training forward and the LeakyReLU itself (to avoid TorchSharp's temporary
/// Scalars); the results, running statistics and batch count must be bit-identical to TorchSharp's own modules.
/// </summary>
public sealed class BaseConvTests
{
    [Theory]
    [InlineData(Activation.LeakyReLU, true)]
    [InlineData(Activation.LeakyReLU, false)]
    [InlineData(Activation.SiLU, true)]
    public void Forward_equals_TorchSharps_conv_batch_norm_and_activation_modules_bit_for_bit(Activation activation, bool training)
    {
        using var scope = torch.NewDisposeScope();
        var generator = new torch.Generator(11);
        var block = new BaseConv(3, 8, 3, 1, activation: activation);
        using (torch.no_grad())
        {
            // Non-trivial running statistics, so the eval-mode normalisation is not the identity.
            block.BatchNorm!.running_mean!.copy_(torch.randn([8], generator: generator));
            block.BatchNorm!.running_var!.copy_(torch.rand([8], generator: generator).add_(0.5f));
        }
        block.train(training);
        var input = torch.randn([2, 3, 16, 16], generator: generator);
        var bn = block.BatchNorm!;
        var statsBefore = Stats(bn);

        var actual = block.call(input);
        var statsAfter = Stats(bn);

        Restore(bn, statsBefore);
        var act = activation == Activation.LeakyReLU ? (nn.Module<Tensor, Tensor>)nn.LeakyReLU(0.1) : nn.SiLU();
        var expected = act.call(bn.call(block.Conv.call(input)));
        var expectedStats = Stats(bn);

        Assert.True(Same(expected, actual), "the output differs from TorchSharp's modules");
        for (var i = 0; i < statsAfter.Length; i++)
        {
            Assert.True(Same(expectedStats[i], statsAfter[i]), $"running statistic {i} differs from TorchSharp's BatchNorm2d");
        }
        Assert.Equal(training ? 1L : 0L, statsAfter[2].item<long>());
    }

    /// <summary>Same shape and every element equal (NaN is never equal, so NaN fails).</summary>
    private static bool Same(Tensor expected, Tensor actual) =>
        expected.shape.SequenceEqual(actual.shape) && expected.eq(actual).all().item<bool>();

    private static Tensor[] Stats(BatchNorm2d bn) =>
        [bn.running_mean!.clone(), bn.running_var!.clone(), bn.num_batches_tracked!.clone()];

    private static void Restore(BatchNorm2d bn, Tensor[] stats)
    {
        using var noGrad = torch.no_grad();
        bn.running_mean!.copy_(stats[0]);
        bn.running_var!.copy_(stats[1]);
        bn.num_batches_tracked!.copy_(stats[2]);
    }
}
