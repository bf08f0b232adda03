using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using YoloX.Core.Modules;

namespace YoloX.Core.Profiling;

/// <summary>
/// Counts a model's parameters and operations (<see cref="ModelComplexity"/>) with forward hooks on its convolutions,
/// batch norms and the blocks with a LeakyReLU. Like the official <c>get_model_info</c> it runs one small probe image
/// (two strides of the coarsest level, 64×64 for the presets) and scales by area: every feature map of a YOLOX network
/// is the input divided by a power of two, so each count is exactly proportional to the input area when the size is a
/// multiple of the largest stride.
/// </summary>
public static class ComplexityCounter
{
    /// <summary>Counts <paramref name="model"/> at <paramref name="inputSize"/> (default: its configured input size).</summary>
    /// <exception cref="ArgumentException">The size is not a positive multiple of the model's largest stride.</exception>
    public static ModelComplexity Measure(YoloXModel model, int? inputSize = null) =>
        Measure(model, inputSize ?? model.Config.InputSize, inputSize ?? model.Config.InputSize);

    /// <summary>Counts <paramref name="model"/> for a <paramref name="height"/>×<paramref name="width"/> input.</summary>
    /// <exception cref="ArgumentException">A side is not a positive multiple of the model's largest stride.</exception>
    public static ModelComplexity Measure(YoloXModel model, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(model);
        var maxStride = model.Config.Strides.Max();
        if (height < maxStride || width < maxStride || height % maxStride != 0 || width % maxStride != 0)
        {
            throw new ArgumentException($"Input {height}×{width} must be a positive multiple of the largest stride {maxStride} on each side.");
        }
        var probe = 2 * maxStride;
        var counts = CountAtProbe(model, probe);
        // Exact: each count at the probe size times (h·w)/(probe²) is the count at h×w (see the class remarks).
        long Scale(long c) => checked(c * height * width / ((long)probe * probe));
        var parameters = model.parameters().Sum(p => p.numel());
        return new ModelComplexity(parameters, height, width, Scale(counts.ConvMacs), Scale(counts.BiasAdds),
            Scale(counts.BatchNorm), Scale(counts.LeakyRelu));
    }

    private static (long ConvMacs, long BiasAdds, long BatchNorm, long LeakyRelu) CountAtProbe(YoloXModel model, int probe)
    {
        long macs = 0, bias = 0, bn = 0, leaky = 0;
        var removers = new List<Action>();
        foreach (var module in model.modules())
        {
            switch (module)
            {
                case Conv2d conv:
                    var perOutput = conv.in_channels / conv.groups * conv.kernel_size.Aggregate(1L, (a, k) => a * k);
                    var hasBias = conv.bias is not null;
                    var convHook = conv.register_forward_hook((_, _, output) =>
                    {
                        macs += output.numel() * perOutput;
                        bias += hasBias ? output.numel() : 0;
                        return null!;
                    });
                    removers.Add(convHook.remove);
                    break;
                case BatchNorm2d norm:
                    removers.Add(norm.register_forward_hook((_, input, _) => { bn += input.numel(); return null!; }).remove);
                    break;
                // On the block, not on the LeakyReLU: BaseConv runs that activation without calling the module (see
                // BaseConv.Activate). It is element-wise, so its input has as many elements as the block's output.
                case BaseConv block when block.children().OfType<LeakyReLU>().Any():
                    removers.Add(block.register_forward_hook((_, _, output) => { leaky += output.numel(); return null!; }).remove);
                    break;
            }
        }
        var wasTraining = model.training;
        try
        {
            model.eval();
            using var noGrad = torch.no_grad();
            using var scope = torch.NewDisposeScope();
            var device = model.parameters().First().device;
            model.call(torch.zeros(1, 3, probe, probe, device: device));
        }
        finally
        {
            removers.ForEach(remove => remove());
            model.train(wasTraining);
        }
        return (macs, bias, bn, leaky);
    }
}
