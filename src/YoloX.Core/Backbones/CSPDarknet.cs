using TorchSharp;
using TorchSharp.Modules;
using YoloX.Core.Modules;
using static TorchSharp.torch;

namespace YoloX.Core.Backbones;

/// <summary>
/// CSPDarknet, the backbone of YOLOX-Nano to -X: a <see cref="Focus"/> stem and four stages (dark2..dark5) of a
/// strided convolution and <see cref="CSPLayer"/>s, with <see cref="SPPBottleneck"/> in dark5.
/// </summary>
public sealed class CSPDarknet : Backbone
{
    private readonly Focus stem;
    private readonly Sequential dark2;
    private readonly Sequential dark3;
    private readonly Sequential dark4;
    private readonly Sequential dark5;

    /// <summary>Creates the backbone.</summary>
    /// <param name="depth">Depth multiplier (number of bottlenecks per CSP layer = round(3·depth), at least 1).</param>
    /// <param name="width">Width multiplier (base channels = int(64·width)).</param>
    /// <param name="depthwise">Depthwise separable 3×3 convolutions (YOLOX-Nano).</param>
    /// <param name="activation">The activation.</param>
    public CSPDarknet(double depth, double width, bool depthwise = false, Activation activation = Activation.SiLU)
        : base(nameof(CSPDarknet))
    {
        var c = (long)(width * 64);
        // Python's round() rounds half to even, as Math.Round does by default.
        var n = Math.Max((int)Math.Round(depth * 3), 1);
        stem = new Focus(3, c, kernelSize: 3, activation: activation);
        dark2 = Stage(c, c * 2, n, depthwise, activation);
        dark3 = Stage(c * 2, c * 4, n * 3, depthwise, activation);
        dark4 = Stage(c * 4, c * 8, n * 3, depthwise, activation);
        dark5 = nn.Sequential(
            ConvBlock.Create(depthwise, c * 8, c * 16, 3, 2, activation),
            new SPPBottleneck(c * 16, c * 16, activation: activation),
            new CSPLayer(c * 16, c * 16, n, shortcut: false, depthwise: depthwise, activation: activation));
        OutChannels = [c * 4, c * 8, c * 16];
        RegisterComponents();
    }

    /// <inheritdoc />
    public override IReadOnlyList<long> OutChannels { get; }

    /// <inheritdoc />
    public override Tensor[] forward(Tensor input) => RunStages(input, stem, dark2, dark3, dark4, dark5);

    private static Sequential Stage(long inChannels, long outChannels, int n, bool depthwise, Activation activation) =>
        nn.Sequential(
            ConvBlock.Create(depthwise, inChannels, outChannels, 3, 2, activation),
            new CSPLayer(outChannels, outChannels, n, depthwise: depthwise, activation: activation));
}
