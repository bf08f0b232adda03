using TorchSharp;
using static TorchSharp.torch;

namespace YoloX.Core.Modules;

/// <summary>The standard bottleneck: 1×1 conv then 3×3 conv, with a residual add when shapes allow.</summary>
public sealed class Bottleneck : nn.Module<Tensor, Tensor>
{
    private readonly BaseConv conv1;
    private readonly nn.Module<Tensor, Tensor> conv2;
    private readonly bool useAdd;

    /// <summary>Creates the block.</summary>
    public Bottleneck(long inChannels, long outChannels, bool shortcut = true, double expansion = 0.5,
        bool depthwise = false, Activation activation = Activation.SiLU)
        : base(nameof(Bottleneck))
    {
        var hidden = (long)(outChannels * expansion);
        conv1 = new BaseConv(inChannels, hidden, 1, 1, activation: activation);
        conv2 = ConvBlock.Create(depthwise, hidden, outChannels, 3, 1, activation);
        useAdd = shortcut && inChannels == outChannels;
        RegisterComponents();
    }

    /// <summary>Whether the block adds its input (shortcut requested and channels equal); read by the ONNX exporter.</summary>
    internal bool UseAdd => useAdd;

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var x = conv1.call(input);
        var y = conv2.call(x);
        if (!useAdd)
        {
            return y;
        }
        using (y)
        {
            // Not y + input: its implicit alpha Scalar can be finalized mid-call (see CachedScalars).
            return y.add(input, CachedScalars.One);
        }
    }
}
