using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace YoloX.Core.Export.Emitters;

/// <summary>Writes a Conv node with its weight and bias as initializers, folding a batch norm into them when given.</summary>
internal static class ConvolutionWriter
{
    /// <summary>
    /// Conv with "same"-style symmetric padding. The batch norm, when present, is folded in float32 in the order of
    /// PyTorch's ONNX exporter (scale = γ / √(σ² + ε), w·scale, β + (b − μ)·scale), so that our files carry the
    /// official exporter's weights bit for bit where the inputs agree; the model itself is not changed.
    /// </summary>
    public static string Write(OnnxEmitContext context, string input, Conv2d conv, BatchNorm2d? bn,
        long stride, long padding, long groups)
    {
        var dims = conv.weight!.shape;
        var outChannels = dims[0];
        var weight = Read(conv.weight!);
        var bias = conv.bias is { } b ? Read(b) : new float[outChannels];
        if (bn is not null)
        {
            var mean = Read(bn.running_mean!);
            var variance = Read(bn.running_var!);
            var gamma = Read(bn.weight!);
            var beta = Read(bn.bias!);
            var eps = (float)bn.eps;
            var perChannel = weight.Length / outChannels;
            for (var c = 0; c < outChannels; c++)
            {
                var scale = gamma[c] / MathF.Sqrt(variance[c] + eps);
                for (var i = 0; i < perChannel; i++)
                {
                    weight[c * perChannel + i] *= scale;
                }
                bias[c] = beta[c] + (bias[c] - mean[c]) * scale;
            }
        }
        var graph = context.Graph;
        var w = graph.Floats("weight", Finite(weight), dims);
        var bb = graph.Floats("bias", Finite(bias), outChannels);
        return graph.Node("Conv", [input, w, bb],
            OnnxGraphBuilder.Attr("kernel_shape", dims[2..]),
            OnnxGraphBuilder.Attr("strides", stride, stride),
            OnnxGraphBuilder.Attr("pads", padding, padding, padding, padding),
            OnnxGraphBuilder.Attr("dilations", 1L, 1L),
            OnnxGraphBuilder.Attr("group", groups));
    }

    /// <summary>
    /// Copies a parameter or buffer out without running torch operators on the model's own tensors (a CPU float32
    /// contiguous tensor is read in place; anything else through a disposed copy).
    /// </summary>
    private static float[] Read(Tensor t)
    {
        if (t.device_type == DeviceType.CPU && t.dtype == ScalarType.Float32 && t.is_contiguous())
        {
            return t.data<float>().ToArray();
        }
        using var detached = t.detach();
        using var onCpu = detached.to(ScalarType.Float32, torch.CPU, copy: true);
        using var contiguous = onCpu.contiguous();
        return contiguous.data<float>().ToArray();
    }

    private static float[] Finite(float[] values)
    {
        var result = values;
        for (var i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(result[i]))
            {
                throw new OnnxExportException("The model has non-finite weights (NaN or ±Inf after folding the batch norm); refusing to export them.");
            }
        }
        return result;
    }
}
