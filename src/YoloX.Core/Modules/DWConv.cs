using TorchSharp;
using static TorchSharp.torch;

namespace YoloX.Core.Modules;

/// <summary>Depthwise separable convolution: a depthwise <see cref="BaseConv"/> then a 1×1 pointwise one.</summary>
public sealed class DWConv : nn.Module<Tensor, Tensor>
{
    private readonly BaseConv dconv;
    private readonly BaseConv pconv;

    /// <summary>Creates the block.</summary>
    public DWConv(long inChannels, long outChannels, long kernelSize, long stride = 1, Activation activation = Activation.SiLU)
        : base(nameof(DWConv))
    {
        dconv = new BaseConv(inChannels, inChannels, kernelSize, stride, groups: inChannels, activation: activation);
        pconv = new BaseConv(inChannels, outChannels, 1, 1, activation: activation);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var x = dconv.call(input);
        return pconv.call(x);
    }
}

/// <summary>Chooses the 3×3 convolution block of a network: <see cref="DWConv"/> when depthwise, else <see cref="BaseConv"/>.</summary>
public static class ConvBlock
{
    /// <summary>A <see cref="DWConv"/> when <paramref name="depthwise"/>, else a <see cref="BaseConv"/>.</summary>
    public static nn.Module<Tensor, Tensor> Create(bool depthwise, long inChannels, long outChannels, long kernelSize,
        long stride, Activation activation) =>
        depthwise
            ? new DWConv(inChannels, outChannels, kernelSize, stride, activation)
            : new BaseConv(inChannels, outChannels, kernelSize, stride, activation: activation);
}
