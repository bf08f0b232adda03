using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Google.Protobuf;
using Onnx;
using YoloX.Core.Export.Emitters;

namespace YoloX.Core.Export;

/// <summary>
/// Writes a <see cref="YoloXModel"/> as an ONNX graph with real initializers, batch norms folded into the
/// convolutions, in inference semantics (running statistics) whatever the model's train/eval mode. Each module type is
/// written by its own emitter; a type without one fails the export with its name, and no file is written.
/// </summary>
public static class OnnxExporter
{
    /// <summary>The producer name written into the file.</summary>
    public const string ProducerName = "YoloX.NET";

    /// <summary>Exports <paramref name="model"/> to <paramref name="path"/> (written atomically: a failed export leaves no file).</summary>
    /// <exception cref="OnnxExportException">The model cannot be exported.</exception>
    /// <exception cref="ArgumentException">The options are invalid or do not fit the model.</exception>
    public static void Export(YoloXModel model, string path, OnnxExportOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var proto = ToModelProto(model, options, cancellationToken);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            using (var stream = File.Create(temp))
            {
                proto.WriteTo(stream);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Builds the ONNX model in memory.</summary>
    /// <exception cref="OnnxExportException">The model cannot be exported.</exception>
    public static ModelProto ToModelProto(YoloXModel model, OnnxExportOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        options = (options ?? OnnxExportOptions.Default).Validate();
        var config = model.Config;
        var width = options.InputWidth ?? config.InputSize;
        var height = options.InputHeight ?? config.InputSize;
        var maxStride = config.Strides.Max();
        if (width % maxStride != 0 || height % maxStride != 0)
        {
            throw new ArgumentException($"The input size {width}×{height} must be a multiple of {maxStride}.", nameof(options));
        }
        if (options.ClassNames is { } names && names.Count != model.NumClasses)
        {
            throw new ArgumentException($"{names.Count} class names were given for a model with {model.NumClasses} classes.", nameof(options));
        }

        var graph = new OnnxGraphBuilder(options.Opset);
        var context = new OnnxEmitContext(graph, OnnxEmitterRegistry.Default, cancellationToken);
        var output = context.Emit(model, [options.InputName])[0];
        var decoded = options.Decode || options.Nms;
        if (decoded)
        {
            output = DecodeEmitter.Emit(graph, options.InputName, output, config.Strides);
        }
        if (options.Nms)
        {
            output = NmsEmitter.Emit(graph, output, options);
        }
        Rename(graph.Graph, output, options.OutputName);

        var batch = options.DynamicBatch ? Dim("batch") : Dim(options.BatchSize);
        graph.Graph.Input.Add(Value(options.InputName, batch, Dim(3),
            options.DynamicInputSize ? Dim("height") : Dim(height), options.DynamicInputSize ? Dim("width") : Dim(width)));
        var anchors = config.Strides.Sum(s => (long)(height / s) * (width / s));
        graph.Graph.Output.Add(options.Nms
            ? Value(options.OutputName, Dim("detections"), Dim(7))
            : Value(options.OutputName, batch, options.DynamicInputSize ? Dim("anchors") : Dim(anchors), Dim(5 + model.NumClasses)));

        var result = new ModelProto
        {
            IrVersion = IrVersionFor(options.Opset),
            ProducerName = ProducerName,
            ProducerVersion = ToolVersion,
            Graph = graph.Graph,
        };
        result.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = options.Opset });
        foreach (var (key, value) in Metadata(model, options, width, height, decoded))
        {
            result.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }
        return result;
    }

    /// <summary>
    /// Whether a module of <paramref name="moduleType"/> can be exported: it has an emitter, or its parent's emitter
    /// reads it directly (module lists, a BaseConv's batch norm, SPP's max pools).
    /// </summary>
    public static bool CanExport(Type moduleType) =>
        OnnxEmitterRegistry.Default.Supports(moduleType) || OnnxEmitterRegistry.IsReadByParent(moduleType);

    /// <summary>The version of this library, as written into exported files.</summary>
    public static string ToolVersion { get; } =
        typeof(OnnxExporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "0.0.0";

    /// <summary>
    /// The oldest IR version that carries the opset, so older runtimes (and the official file's IR 6 at opset 11) load it.
    /// </summary>
    private static long IrVersionFor(int opset) => opset switch
    {
        11 => 6,
        <= 14 => 7,
        _ => 8,
    };

    private static IEnumerable<(string, string)> Metadata(YoloXModel model, OnnxExportOptions options, int width, int height, bool decoded)
    {
        var invariant = CultureInfo.InvariantCulture;
        if (options.ClassNames is { } names)
        {
            yield return (OnnxMetadataKeys.Names, JsonSerializer.Serialize(names));
        }
        yield return (OnnxMetadataKeys.NumClasses, model.NumClasses.ToString(invariant));
        yield return (OnnxMetadataKeys.Preset, model.Config.Preset?.ToString() ?? "custom");
        yield return (OnnxMetadataKeys.InputWidth, width.ToString(invariant));
        yield return (OnnxMetadataKeys.InputHeight, height.ToString(invariant));
        yield return (OnnxMetadataKeys.Strides, string.Join(',', model.Config.Strides));
        yield return (OnnxMetadataKeys.Decoded, decoded ? "true" : "false");
        yield return (OnnxMetadataKeys.Nms, options.Nms ? "true" : "false");
        if (options.Nms)
        {
            yield return (OnnxMetadataKeys.NmsScoreThreshold, options.NmsScoreThreshold.ToString("R", invariant));
            yield return (OnnxMetadataKeys.NmsIouThreshold, options.NmsIouThreshold.ToString("R", invariant));
            yield return (OnnxMetadataKeys.MaxDetections, options.MaxDetections.ToString(invariant));
        }
        yield return (OnnxMetadataKeys.ToolVersion, $"{ProducerName} {ToolVersion}");
    }

    /// <summary>Gives the final value the requested output name (no trailing Identity node, as in the official file).</summary>
    private static void Rename(GraphProto graph, string from, string to)
    {
        foreach (var node in graph.Node)
        {
            for (var i = 0; i < node.Output.Count; i++)
            {
                if (node.Output[i] == from)
                {
                    node.Output[i] = to;
                }
            }
            for (var i = 0; i < node.Input.Count; i++)
            {
                if (node.Input[i] == from)
                {
                    node.Input[i] = to;
                }
            }
        }
    }

    private static TensorShapeProto.Types.Dimension Dim(long value) => new() { DimValue = value };

    private static TensorShapeProto.Types.Dimension Dim(string name) => new() { DimParam = name };

    private static ValueInfoProto Value(string name, params TensorShapeProto.Types.Dimension[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.AddRange(dims);
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }
}
