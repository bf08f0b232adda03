using TorchSharp;
using static TorchSharp.torch;

namespace YoloX.Core.Modules;

/// <summary>
/// Focus: moves each 2×2 pixel neighbourhood into channels (space-to-depth, order top-left, bottom-left,
/// top-right, bottom-right as in the official code), then applies a <see cref="BaseConv"/>.
/// </summary>
public sealed class Focus : nn.Module<Tensor, Tensor>
{
    private static readonly TensorIndex Even = TensorIndex.Slice(0, null, 2);
    private static readonly TensorIndex Odd = TensorIndex.Slice(1, null, 2);

    private readonly BaseConv conv;

    /// <summary>Creates the block.</summary>
    public Focus(long inChannels, long outChannels, long kernelSize = 1, long stride = 1, Activation activation = Activation.SiLU)
        : base(nameof(Focus))
    {
        conv = new BaseConv(inChannels * 4, outChannels, kernelSize, stride, activation: activation);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var topLeft = input[TensorIndex.Ellipsis, Even, Even];
        var topRight = input[TensorIndex.Ellipsis, Even, Odd];
        var bottomLeft = input[TensorIndex.Ellipsis, Odd, Even];
        var bottomRight = input[TensorIndex.Ellipsis, Odd, Odd];
        var stacked = torch.cat([topLeft, bottomLeft, topRight, bottomRight], 1);
        return conv.call(stacked).MoveToOuterDisposeScope();
    }
}
