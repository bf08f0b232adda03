using TorchSharp;
using static TorchSharp.torch;

namespace YoloX.Core.Modules;

/// <summary>
/// CSP bottleneck with three convolutions (C3 of YOLOv5): two 1×1 branches, <c>n</c> bottlenecks on the first,
/// concatenated and merged by a 1×1 convolution.
/// </summary>
public sealed class CSPLayer : nn.Module<Tensor, Tensor>
{
    private readonly BaseConv conv1;
    private readonly BaseConv conv2;
    private readonly BaseConv conv3;
    private readonly TorchSharp.Modules.Sequential m;

    /// <summary>Creates the block.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="n">Number of bottlenecks.</param>
    /// <param name="shortcut">Whether the bottlenecks add their input.</param>
    /// <param name="expansion">Hidden channels as a fraction of the output channels.</param>
    /// <param name="depthwise">Depthwise 3×3 convolutions in the bottlenecks.</param>
    /// <param name="activation">The activation.</param>
    public CSPLayer(long inChannels, long outChannels, int n = 1, bool shortcut = true, double expansion = 0.5,
        bool depthwise = false, Activation activation = Activation.SiLU)
        : base(nameof(CSPLayer))
    {
        var hidden = (long)(outChannels * expansion);
        conv1 = new BaseConv(inChannels, hidden, 1, 1, activation: activation);
        conv2 = new BaseConv(inChannels, hidden, 1, 1, activation: activation);
        conv3 = new BaseConv(2 * hidden, outChannels, 1, 1, activation: activation);
        m = nn.Sequential(Enumerable.Range(0, n)
            .Select(_ => (nn.Module<Tensor, Tensor>)new Bottleneck(hidden, hidden, shortcut, 1.0, depthwise, activation))
            .ToArray());
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        // Same call order as the official code (conv1, conv2, then the bottlenecks): exported graphs list
        // convolutions in execution order, and weight import from ONNX relies on it.
        var x1 = conv1.call(input);
        var x2 = conv2.call(input);
        x1 = m.call(x1);
        return conv3.call(torch.cat([x1, x2], 1)).MoveToOuterDisposeScope();
    }
}
