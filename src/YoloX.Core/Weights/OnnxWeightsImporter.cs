using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace YoloX.Core.Weights;

/// <summary>
/// Imports the weights of an exported YOLOX ONNX graph (such as the official <c>yolox_nano.onnx</c>, whose batch
/// norms are folded into the convolutions) onto our fused model. The exporter writes nodes in execution order, so
/// the i-th <c>Conv</c> node belongs to the i-th convolution our fused model runs; every shape and convolution
/// attribute is checked on the way.
/// </summary>
public static class OnnxWeightsImporter
{
    /// <summary>What an ONNX file says about the network inside it.</summary>
    /// <param name="Config">The configuration whose fused model matches the graph's convolutions.</param>
    /// <param name="ConvCount">Number of Conv nodes.</param>
    public sealed record OnnxModelInfo(YoloXConfig Config, int ConvCount);

    /// <summary>
    /// Builds the fused model of the preset that matches the graph (or of <paramref name="config"/> when given) and
    /// loads the graph's convolution weights into it.
    /// </summary>
    /// <exception cref="WeightsFormatException">The file is not an ONNX graph.</exception>
    /// <exception cref="WeightsMismatchException">The graph's convolutions do not fit a YOLOX model.</exception>
    public static (YoloXModel Model, OnnxModelInfo Info) Load(string path, YoloXConfig? config = null)
    {
        var graph = ReadGraph(path);
        var convs = ConvNodes(graph, path);
        config ??= InferConfig(convs, ClassCount(graph, path), path);
        var model = YoloXModel.Create(config).Fuse();
        try
        {
            model.eval();
            Apply(model, convs, path);
            return (model, new OnnxModelInfo(config, convs.Count));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads which network an ONNX file holds (preset, class count, convolution count) without loading weights.
    /// </summary>
    /// <exception cref="WeightsFormatException">The file is not an ONNX graph.</exception>
    /// <exception cref="WeightsMismatchException">The graph is not recognisably a YOLOX preset.</exception>
    public static OnnxModelInfo Inspect(string path)
    {
        var graph = ReadGraph(path);
        var convs = ConvNodes(graph, path);
        return new OnnxModelInfo(InferConfig(convs, ClassCount(graph, path), path), convs.Count);
    }

    /// <summary>Loads the graph onto the fused model of <paramref name="preset"/>, with the graph's class count.</summary>
    public static (YoloXModel Model, OnnxModelInfo Info) Load(string path, YoloXPreset preset)
    {
        var graph = ReadGraph(path);
        return Load(path, YoloXConfig.FromPreset(preset, ClassCount(graph, path)));
    }

    /// <summary>The fused model's convolutions in the order a forward pass runs them.</summary>
    public static IReadOnlyList<Conv2d> ConvolutionsInExecutionOrder(YoloXModel model)
    {
        var order = new List<Conv2d>();
        var hooks = model.modules().OfType<Conv2d>()
            .Select(conv => conv.register_forward_pre_hook((Action<nn.Module>)(m => order.Add((Conv2d)m))))
            .ToList();
        try
        {
            var size = model.Config.Strides.Max();
            using var noGrad = torch.no_grad();
            using var scope = torch.NewDisposeScope();
            var device = model.parameters().First().device;
            model.call(torch.zeros([1, 3, size, size], device: device));
        }
        finally
        {
            foreach (var hook in hooks)
            {
                hook.remove();
            }
        }
        return order;
    }

    private sealed record ConvNode(string Name, long[] WeightShape, float[] Weight, float[]? Bias,
        long Group, long[] Strides, long[] Pads, long[] Dilations);

    private static GraphProto ReadGraph(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"ONNX file '{path}' does not exist.", path);
        }
        try
        {
            var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
            if (model.Graph is null || model.Graph.Node.Count == 0)
            {
                throw new WeightsFormatException(path, "the ONNX file has no graph nodes.");
            }
            return model.Graph;
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new WeightsFormatException(path, "not a valid ONNX (protobuf) file: " + e.Message, e);
        }
    }

    private static List<ConvNode> ConvNodes(GraphProto graph, string path)
    {
        var constants = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var node in graph.Node.Where(n => n.OpType == "Constant"))
        {
            var value = node.Attribute.FirstOrDefault(a => a.Name == "value")?.T;
            if (value is not null && node.Output.Count == 1)
            {
                constants[node.Output[0]] = value;
            }
        }
        // The exporter de-duplicates equal initializers and aliases them through Identity nodes (the prior-0.01
        // biases of levels 1 and 2 point at level 0's); graph order guarantees the source is known first.
        foreach (var node in graph.Node.Where(n => n.OpType == "Identity" && n.Input.Count == 1 && n.Output.Count == 1))
        {
            if (constants.TryGetValue(node.Input[0], out var aliased))
            {
                constants[node.Output[0]] = aliased;
            }
        }
        var result = new List<ConvNode>();
        foreach (var node in graph.Node.Where(n => n.OpType == "Conv"))
        {
            if (node.Input.Count < 2 || !constants.TryGetValue(node.Input[1], out var w))
            {
                throw new WeightsMismatchException($"{path}: Conv node '{node.Name}' has no constant weight; cannot import it.");
            }
            float[]? bias = null;
            if (node.Input.Count > 2 && !string.IsNullOrEmpty(node.Input[2]))
            {
                bias = constants.TryGetValue(node.Input[2], out var b)
                    ? Floats(b, path)
                    : throw new WeightsMismatchException($"{path}: the bias '{node.Input[2]}' of Conv node '{node.Name}' is not a constant; cannot import it.");
            }
            long Attr(string name, long fallback) => node.Attribute.FirstOrDefault(a => a.Name == name)?.I ?? fallback;
            long[] Ints(string name, long[] fallback) =>
                node.Attribute.FirstOrDefault(a => a.Name == name)?.Ints.ToArray() ?? fallback;
            result.Add(new ConvNode(node.Name, w.Dims.ToArray(), Floats(w, path), bias,
                Attr("group", 1), Ints("strides", [1, 1]), Ints("pads", [0, 0, 0, 0]), Ints("dilations", [1, 1])));
        }
        if (result.Count == 0)
        {
            throw new WeightsMismatchException($"{path}: the graph has no Conv nodes; it is not a YOLOX detector.");
        }
        return result;
    }

    /// <summary>The tensor's values, after checking that the file really holds as many as its shape says.</summary>
    private static float[] Floats(TensorProto t, string path)
    {
        if (t.DataType != (int)TensorProto.Types.DataType.Float)
        {
            throw new WeightsMismatchException($"{path}: tensor '{t.Name}' has ONNX data type {t.DataType}; only float32 weights are supported.");
        }
        if (t.DataLocation == TensorProto.Types.DataLocation.External || t.ExternalData.Count > 0)
        {
            throw new WeightsFormatException(path,
                $"tensor '{t.Name}' is stored as external data (a separate file); only ONNX files that hold their weights inside are supported.");
        }
        if (t.Dims.Any(d => d < 0))
        {
            throw new WeightsFormatException(path, $"tensor '{t.Name}' has a negative dimension [{string.Join(",", t.Dims)}].");
        }
        var expected = t.Dims.Aggregate(1L, (n, d) => n * d);
        if (t.RawData.Length > 0 && (t.RawData.Length % sizeof(float) != 0 || t.RawData.Length / sizeof(float) != expected))
        {
            throw new WeightsFormatException(path,
                $"tensor '{t.Name}' holds {t.RawData.Length} bytes, but its shape [{string.Join(",", t.Dims)}] needs {expected * sizeof(float)} (the file is damaged).");
        }
        var values = t.RawData.Length > 0 ? MemoryMarshal.Cast<byte, float>(t.RawData.Span).ToArray() : t.FloatData.ToArray();
        if (values.LongLength != expected)
        {
            throw new WeightsFormatException(path,
                $"tensor '{t.Name}' holds {values.LongLength} values, but its shape [{string.Join(",", t.Dims)}] needs {expected} (the file is damaged).");
        }
        return values;
    }

    /// <summary>
    /// Finds the preset whose fused convolutions match the graph: the first convolution tells the family and width
    /// (Focus stem: 12 input channels, out = 64·width; Darknet stem: 3 input channels), the last ones the classes.
    /// </summary>
    private static YoloXConfig InferConfig(List<ConvNode> convs, int classes, string path)
    {
        foreach (var preset in Enum.GetValues<YoloXPreset>())
        {
            var config = YoloXConfig.FromPreset(preset, classes);
            if (StemMatches(config, convs[0]) && ConvCountOf(config) == convs.Count)
            {
                return config;
            }
        }
        throw new WeightsMismatchException(
            $"{path}: its {convs.Count} convolutions (first weight [{string.Join(",", convs[0].WeightShape)}]) match no YOLOX preset; " +
            "pass the model configuration explicitly for custom depth or width.");
    }

    /// <summary>Classes from the output <c>[B, N, 5 + C]</c> of the graph.</summary>
    private static int ClassCount(GraphProto graph, string path)
    {
        var dims = graph.Output.FirstOrDefault()?.Type?.TensorType?.Shape?.Dim;
        if (dims is null || dims.Count != 3 || dims[2].DimValue <= 5)
        {
            throw new WeightsMismatchException(
                $"{path}: the graph's output is not [B, N, 5 + classes]; it is not a YOLOX detector export.");
        }
        return (int)dims[2].DimValue - 5;
    }

    private static bool StemMatches(YoloXConfig config, ConvNode first) =>
        config.Architecture == YoloXArchitecture.Darknet53Fpn
            ? first.WeightShape is [32, 3, 3, 3]
            : first.WeightShape.Length == 4 && first.WeightShape[1] == 12 && first.WeightShape[0] == (long)(64 * config.Width);

    private static int ConvCountOf(YoloXConfig config)
    {
        using var model = YoloXModel.Create(config with { NumClasses = 1 });
        return model.modules().OfType<Conv2d>().Count();
    }

    private static void Apply(YoloXModel model, List<ConvNode> nodes, string path)
    {
        var convs = ConvolutionsInExecutionOrder(model);
        if (convs.Count != nodes.Count)
        {
            throw new WeightsMismatchException($"{path}: the graph has {nodes.Count} convolutions, the {Describe(model)} model runs {convs.Count}.");
        }
        using var noGrad = torch.no_grad();
        for (var i = 0; i < convs.Count; i++)
        {
            var (conv, node) = (convs[i], nodes[i]);
            if (!conv.weight!.shape.SequenceEqual(node.WeightShape) || conv.groups != node.Group)
            {
                throw new WeightsMismatchException(
                    $"{path}: convolution {i} ('{node.Name}', weight [{string.Join(",", node.WeightShape)}], group {node.Group}) " +
                    $"does not fit the {Describe(model)} model's [{string.Join(",", conv.weight.shape)}], group {conv.groups}.");
            }
            CheckGeometry(conv, node, i, model, path);
            if (node.Bias is { } bias && bias.Length != node.WeightShape[0])
            {
                throw new WeightsFormatException(path, $"the bias of convolution {i} ('{node.Name}') has {bias.Length} values, not {node.WeightShape[0]}.");
            }
            using var w = torch.tensor(node.Weight, node.WeightShape);
            conv.weight.copy_(w);
            if (conv.bias is not null)
            {
                using var b = node.Bias is null ? torch.zeros(node.WeightShape[0]) : torch.tensor(node.Bias);
                conv.bias.copy_(b);
            }
        }
    }

    /// <summary>
    /// Every stride, pad (ONNX lists begin pads then end pads) and dilation must equal the model's: a graph that
    /// differs in any position computes something else, and importing it would give silently wrong outputs.
    /// </summary>
    private static void CheckGeometry(Conv2d conv, ConvNode node, int index, YoloXModel model, string path)
    {
        long[] stride = [.. conv.stride!], dilation = [.. conv.dilation!], padding = [.. conv.padding!];
        (string Name, long[] Graph, long[] Model)[] checks =
        [
            ("strides", node.Strides, stride),
            ("pads", node.Pads, [.. padding, .. padding]),
            ("dilations", node.Dilations, dilation),
        ];
        foreach (var (name, graph, ours) in checks)
        {
            if (!graph.SequenceEqual(ours))
            {
                throw new WeightsMismatchException(
                    $"{path}: convolution {index} ('{node.Name}') has {name} [{string.Join(",", graph)}], " +
                    $"the {Describe(model)} model's has [{string.Join(",", ours)}].");
            }
        }
    }

    private static string Describe(YoloXModel model) =>
        $"{model.Config.Preset?.ToString() ?? "custom"} ({model.NumClasses} classes)";
}
