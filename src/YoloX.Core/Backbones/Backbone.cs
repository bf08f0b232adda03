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

    /// <summary>Runs stem → dark2 → dark3 → dark4 → dark5 and returns the last three stage outputs.</summary>
    protected static Tensor[] RunStages(Tensor input, nn.Module<Tensor, Tensor> stem, nn.Module<Tensor, Tensor> dark2,
        nn.Module<Tensor, Tensor> dark3, nn.Module<Tensor, Tensor> dark4, nn.Module<Tensor, Tensor> dark5)
    {
        using var scope = torch.NewDisposeScope();
        var x3 = dark3.call(dark2.call(stem.call(input)));
        var x4 = dark4.call(x3);
        var x5 = dark5.call(x4);
        return [x3.MoveToOuterDisposeScope(), x4.MoveToOuterDisposeScope(), x5.MoveToOuterDisposeScope()];
    }
}
