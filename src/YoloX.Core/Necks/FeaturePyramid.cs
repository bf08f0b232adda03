using TorchSharp;
using YoloX.Core.Backbones;
using static TorchSharp.torch;

namespace YoloX.Core.Necks;

/// <summary>
/// A neck that owns its <see cref="Backbone"/> (as the official YOLOPAFPN and YOLOFPN do, which is why official
/// keys read <c>backbone.backbone.*</c>): image batch in, the three pyramid levels (strides 8, 16, 32) out.
/// </summary>
public abstract class FeaturePyramid : nn.Module<Tensor, Tensor[]>
{
    /// <summary>Creates the module with its name.</summary>
    protected FeaturePyramid(string name) : base(name)
    {
    }

    /// <summary>Channels of the three outputs, finest level first.</summary>
    public abstract IReadOnlyList<long> OutChannels { get; }

    /// <summary>Nearest-neighbour ×2 upsampling, as <c>nn.Upsample(scale_factor=2, mode="nearest")</c>.</summary>
    protected static Tensor Upsample(Tensor x) =>
        nn.functional.interpolate(x, scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest);
}
