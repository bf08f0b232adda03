using TorchSharp;
using static TorchSharp.torch;

namespace YoloX.Core.Modules;

/// <summary>Darknet's residual layer: 1×1 conv to half the channels, 3×3 conv back, plus the input (LeakyReLU).</summary>
public sealed class ResLayer : nn.Module<Tensor, Tensor>
{
    private readonly BaseConv layer1;
    private readonly BaseConv layer2;

    /// <summary>Creates the block.</summary>
    public ResLayer(long inChannels) : base(nameof(ResLayer))
    {
        var mid = inChannels / 2;
        layer1 = new BaseConv(inChannels, mid, 1, 1, activation: Activation.LeakyReLU);
        layer2 = new BaseConv(mid, inChannels, 3, 1, activation: Activation.LeakyReLU);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var a = layer1.call(input);
        using var b = layer2.call(a);
        // Not input + b: its implicit alpha Scalar can be finalized mid-call (see CachedScalars).
        return input.add(b, CachedScalars.One);
    }
}
