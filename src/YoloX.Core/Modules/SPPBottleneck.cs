using TorchSharp;
using static TorchSharp.torch;

namespace YoloX.Core.Modules;

/// <summary>Spatial pyramid pooling (YOLOv3-SPP): 1×1 conv, max pools of several sizes concatenated, 1×1 conv.</summary>
public sealed class SPPBottleneck : nn.Module<Tensor, Tensor>
{
    private readonly BaseConv conv1;
    private readonly TorchSharp.Modules.ModuleList<nn.Module<Tensor, Tensor>> m;
    private readonly BaseConv conv2;
    private readonly long[]? cascade;

    /// <summary>Creates the block with the official pool sizes 5, 9 and 13 unless others are given.</summary>
    public SPPBottleneck(long inChannels, long outChannels, IReadOnlyList<long>? kernelSizes = null,
        Activation activation = Activation.SiLU)
        : base(nameof(SPPBottleneck))
    {
        kernelSizes ??= [5, 9, 13];
        KernelSizes = kernelSizes.ToArray();
        cascade = CascadeOf(KernelSizes);
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
        var pooled = new List<Tensor>(KernelSizes.Count + 1) { x };
        if (cascade is null)
        {
            pooled.AddRange(m.Select(pool => pool.call(x)));
        }
        else
        {
            pooled.AddRange(CascadedPools(x, cascade));
        }
        return conv2.call(torch.cat(pooled, 1)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The pools of a cascade (<see cref="CascadeOf"/>), each over the last one's output. A stride-1 max pool of size b
    /// over one of size a is a pool of size a + b − 1 (the maximum is exact and the −∞ padding never wins), so 5, 9
    /// and 13 run as three pools of 5: the same values for about a quarter of the comparisons (YOLOv5's SPPF). The official
    /// block pools its input three times.
    /// </summary>
    internal static IEnumerable<Tensor> CascadedPools(Tensor x, IReadOnlyList<long> steps)
    {
        var previous = x;
        foreach (var size in steps)
        {
            previous = nn.functional.max_pool2d(previous, size, stride: 1, padding: size / 2);
            yield return previous;
        }
    }

    /// <summary>
    /// The pool sizes that, applied one after the other, give the pools of <paramref name="kernelSizes"/>; null when
    /// the sizes are not odd and increasing (then each pool runs over the input, as written).
    /// </summary>
    internal static long[]? CascadeOf(IReadOnlyList<long> kernelSizes)
    {
        var steps = new long[kernelSizes.Count];
        long previous = 1;
        for (var i = 0; i < kernelSizes.Count; i++)
        {
            if (kernelSizes[i] % 2 == 0 || kernelSizes[i] <= previous)
            {
                return null;
            }
            steps[i] = kernelSizes[i] - previous + 1;
            previous = kernelSizes[i];
        }
        return steps;
    }
}
