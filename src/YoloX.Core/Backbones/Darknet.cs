using TorchSharp;
using TorchSharp.Modules;
using YoloX.Core.Modules;
using static TorchSharp.torch;

namespace YoloX.Core.Backbones;

/// <summary>
/// Darknet-21 / Darknet-53 (the YOLOv3 backbone, LeakyReLU): a stem, four stages of a strided convolution and
/// <see cref="ResLayer"/>s, and the SPP block in dark5.
/// </summary>
public sealed class Darknet : Backbone
{
    private readonly Sequential stem;
    private readonly Sequential dark2;
    private readonly Sequential dark3;
    private readonly Sequential dark4;
    private readonly Sequential dark5;

    /// <summary>Creates the backbone.</summary>
    /// <param name="depth">21 or 53.</param>
    /// <param name="inChannels">Image channels.</param>
    /// <param name="stemOutChannels">Stem channels; they decide the channels of every stage.</param>
    public Darknet(int depth = 53, long inChannels = 3, long stemOutChannels = 32) : base(nameof(Darknet))
    {
        int[] blocks = depth switch
        {
            21 => [1, 2, 2, 1],
            53 => [2, 8, 8, 4],
            _ => throw new ArgumentOutOfRangeException(nameof(depth), depth, "Darknet depth must be 21 or 53."),
        };
        var s = stemOutChannels;
        stem = nn.Sequential(
            [new BaseConv(inChannels, s, 3, 1, activation: Activation.LeakyReLU), .. GroupLayer(s, 1, 2)]);
        dark2 = nn.Sequential(GroupLayer(s * 2, blocks[0], 2));
        dark3 = nn.Sequential(GroupLayer(s * 4, blocks[1], 2));
        dark4 = nn.Sequential(GroupLayer(s * 8, blocks[2], 2));
        dark5 = nn.Sequential([.. GroupLayer(s * 16, blocks[3], 2), SppBlock(s * 32, s * 16, s * 32)]);
        OutChannels = [s * 8, s * 16, s * 16];
        RegisterComponents();
    }

    /// <inheritdoc />
    public override IReadOnlyList<long> OutChannels { get; }

    /// <inheritdoc />
    public override Tensor[] forward(Tensor input) => RunStages(input, stem, dark2, dark3, dark4, dark5);

    /// <summary>A strided 3×3 convolution doubling the channels, then <paramref name="blocks"/> residual layers.</summary>
    private static nn.Module<Tensor, Tensor>[] GroupLayer(long inChannels, int blocks, long stride) =>
        [new BaseConv(inChannels, inChannels * 2, 3, stride, activation: Activation.LeakyReLU),
         .. Enumerable.Range(0, blocks).Select(_ => new ResLayer(inChannels * 2))];

    /// <summary>The YOLOv3-SPP tail of dark5: 1×1 / 3×3 convolutions around an <see cref="SPPBottleneck"/>.</summary>
    private static Sequential SppBlock(long inFilters, long f0, long f1) =>
        nn.Sequential(
            new BaseConv(inFilters, f0, 1, 1, activation: Activation.LeakyReLU),
            new BaseConv(f0, f1, 3, 1, activation: Activation.LeakyReLU),
            new SPPBottleneck(f1, f0, activation: Activation.LeakyReLU),
            new BaseConv(f0, f1, 3, 1, activation: Activation.LeakyReLU),
            new BaseConv(f1, f0, 1, 1, activation: Activation.LeakyReLU));
}
