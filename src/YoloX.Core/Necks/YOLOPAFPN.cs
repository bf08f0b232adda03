using TorchSharp;
using YoloX.Core.Backbones;
using YoloX.Core.Modules;
using static TorchSharp.torch;

namespace YoloX.Core.Necks;

/// <summary>
/// YOLOPAFPN: the path-aggregation FPN of YOLOX over a <see cref="CSPDarknet"/> — a top-down pass (lateral 1×1
/// convolutions, upsampling, CSP layers) then a bottom-up pass (strided convolutions, CSP layers).
/// </summary>
/// <remarks>Field names are the official module names (<c>lateral_conv0</c>, <c>C3_p4</c>, ...), so state_dict keys match
/// official checkpoints.</remarks>
public sealed class YOLOPAFPN : FeaturePyramid
{
    private readonly Backbone backbone;
    private readonly BaseConv lateral_conv0;
    private readonly CSPLayer C3_p4;
    private readonly BaseConv reduce_conv1;
    private readonly CSPLayer C3_p3;
    private readonly nn.Module<Tensor, Tensor> bu_conv2;
    private readonly CSPLayer C3_n3;
    private readonly nn.Module<Tensor, Tensor> bu_conv1;
    private readonly CSPLayer C3_n4;

    /// <summary>Creates the neck over the CSPDarknet of the same depth and width.</summary>
    /// <param name="depth">Depth multiplier.</param>
    /// <param name="width">Width multiplier.</param>
    /// <param name="depthwise">Depthwise separable 3×3 convolutions.</param>
    /// <param name="activation">The activation.</param>
    /// <param name="inChannels">Nominal channels of dark3..dark5 before the width multiplier.</param>
    public YOLOPAFPN(double depth = 1.0, double width = 1.0, bool depthwise = false,
        Activation activation = Activation.SiLU, IReadOnlyList<long>? inChannels = null)
        : this(new CSPDarknet(depth, width, depthwise, activation), depth, width, depthwise, activation, inChannels)
    {
    }

    /// <summary>Creates the neck over a given backbone whose outputs have the scaled <paramref name="inChannels"/>.</summary>
    public YOLOPAFPN(Backbone backbone, double depth, double width, bool depthwise, Activation activation,
        IReadOnlyList<long>? inChannels = null)
        : base(nameof(YOLOPAFPN))
    {
        inChannels ??= [256, 512, 1024];
        var c0 = (long)(inChannels[0] * width);
        var c1 = (long)(inChannels[1] * width);
        var c2 = (long)(inChannels[2] * width);
        var n = (int)Math.Round(3 * depth);
        this.backbone = backbone;
        lateral_conv0 = new BaseConv(c2, c1, 1, 1, activation: activation);
        C3_p4 = new CSPLayer((long)(2 * inChannels[1] * width), c1, n, false, depthwise: depthwise, activation: activation);
        reduce_conv1 = new BaseConv(c1, c0, 1, 1, activation: activation);
        C3_p3 = new CSPLayer((long)(2 * inChannels[0] * width), c0, n, false, depthwise: depthwise, activation: activation);
        bu_conv2 = ConvBlock.Create(depthwise, c0, c0, 3, 2, activation);
        C3_n3 = new CSPLayer((long)(2 * inChannels[0] * width), c1, n, false, depthwise: depthwise, activation: activation);
        bu_conv1 = ConvBlock.Create(depthwise, c1, c1, 3, 2, activation);
        C3_n4 = new CSPLayer((long)(2 * inChannels[1] * width), c2, n, false, depthwise: depthwise, activation: activation);
        OutChannels = [c0, c1, c2];
        RegisterComponents();
    }

    /// <inheritdoc />
    public override IReadOnlyList<long> OutChannels { get; }

    /// <inheritdoc />
    public override Tensor[] forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var features = backbone.call(input);
        var (x2, x1, x0) = (features[0], features[1], features[2]);

        var fpnOut0 = lateral_conv0.call(x0);
        var fOut0 = C3_p4.call(torch.cat([Upsample(fpnOut0), x1], 1));
        var fpnOut1 = reduce_conv1.call(fOut0);
        var panOut2 = C3_p3.call(torch.cat([Upsample(fpnOut1), x2], 1));

        var panOut1 = C3_n3.call(torch.cat([bu_conv2.call(panOut2), fpnOut1], 1));
        var panOut0 = C3_n4.call(torch.cat([bu_conv1.call(panOut1), fpnOut0], 1));
        return [panOut2.MoveToOuterDisposeScope(), panOut1.MoveToOuterDisposeScope(), panOut0.MoveToOuterDisposeScope()];
    }
}
