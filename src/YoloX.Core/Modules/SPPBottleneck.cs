using TorchSharp;
using static TorchSharp.torch;

namespace YoloX.Core.Modules;

/// <summary>Spatial pyramid pooling (YOLOv3-SPP): 1×1 conv, max pools of several sizes concatenated, 1×1 conv.</summary>
public sealed class SPPBottleneck : nn.Module<Tensor, Tensor>
{
    private readonly BaseConv conv1;
    private readonly TorchSharp.Modules.ModuleList<nn.Module<Tensor, Tensor>> m;
    private readonly BaseConv conv2;

    /// <summary>Creates the block with the official pool sizes 5, 9 and 13 unless others are given.</summary>
    public SPPBottleneck(long inChannels, long outChannels, IReadOnlyList<long>? kernelSizes = null,
        Activation activation = Activation.SiLU)
        : base(nameof(SPPBottleneck))
    {
        kernelSizes ??= [5, 9, 13];
        KernelSizes = kernelSizes.ToArray();
        var hidden = inChannels / 2;
        conv1 = new BaseConv(inChannels, hidden, 1, 1, activation: activation);
        m = nn.ModuleList(kernelSizes
            .Select(k => (nn.Module<Tensor, Tensor>)nn.MaxPool2d(k, stride: 1, padding: k / 2))
            .ToArray());
        conv2 = new BaseConv(hidden * (kernelSizes.Count + 1), outChannels, 1, 1, activation: activation);
        RegisterComponents();
    }

    /// <summary>The max-pool kernel sizes (stride 1, padding k / 2); read by the ONNX exporter.</summary>
    internal IReadOnlyList<long> KernelSizes { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var x = conv1.call(input);
        var pooled = new List<Tensor> { x };
        pooled.AddRange(m.Select(pool => pool.call(x)));
        return conv2.call(torch.cat(pooled, 1)).MoveToOuterDisposeScope();
    }
}
