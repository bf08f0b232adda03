using TorchSharp;
using TorchSharp.Modules;
using YoloX.Core.Backbones;
using YoloX.Core.Modules;
using static TorchSharp.torch;

namespace YoloX.Core.Necks;

/// <summary>
/// YOLOFPN: the YOLOv3 top-down FPN over <see cref="Darknet"/> (LeakyReLU), used by the YOLOX-Darknet53 model.
/// </summary>
/// <remarks>Field names are the official module names (<c>out1_cbl</c>, <c>out2</c>, ...), so state_dict keys match
/// official checkpoints.</remarks>
public sealed class YOLOFPN : FeaturePyramid
{
    private readonly Darknet backbone;
    private readonly BaseConv out1_cbl;
    private readonly Sequential out1;
    private readonly BaseConv out2_cbl;
    private readonly Sequential out2;

    /// <summary>Creates the neck over a Darknet of the given depth (21 or 53).</summary>
    public YOLOFPN(int depth = 53) : base(nameof(YOLOFPN))
    {
        backbone = new Darknet(depth);
        out1_cbl = Cbl(512, 256, 1);
        out1 = Embedding(256, 512, 512 + 256);
        out2_cbl = Cbl(256, 128, 1);
        out2 = Embedding(128, 256, 256 + 128);
        OutChannels = [128, 256, 512];
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
        var outDark4 = out1.call(torch.cat([Upsample(out1_cbl.call(x0)), x1], 1));
        var outDark3 = out2.call(torch.cat([Upsample(out2_cbl.call(outDark4)), x2], 1));
        return [outDark3.MoveToOuterDisposeScope(), outDark4.MoveToOuterDisposeScope(), x0.MoveToOuterDisposeScope()];
    }

    private static BaseConv Cbl(long inChannels, long outChannels, long kernelSize) =>
        new(inChannels, outChannels, kernelSize, 1, activation: Activation.LeakyReLU);

    private static Sequential Embedding(long f0, long f1, long inFilters) =>
        nn.Sequential(Cbl(inFilters, f0, 1), Cbl(f0, f1, 3), Cbl(f1, f0, 1), Cbl(f0, f1, 3), Cbl(f1, f0, 1));
}
