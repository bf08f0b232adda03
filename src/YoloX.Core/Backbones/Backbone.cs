using TorchSharp;
using static TorchSharp.torch;

namespace YoloX.Core.Backbones;

/// <summary>
/// A backbone: image batch in, the three feature maps a YOLOX neck consumes out (dark3, dark4, dark5 at strides
/// 8, 16 and 32).
/// </summary>
public abstract class Backbone : nn.Module<Tensor, Tensor[]>
{
    /// <summary>Creates the module with its name.</summary>
    protected Backbone(string name) : base(name)
    {
    }

    /// <summary>Channels of the dark3, dark4 and dark5 outputs.</summary>
    public abstract IReadOnlyList<long> OutChannels { get; }
}
