using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace YoloX.Core.Export;

/// <summary>
/// Appends nodes and initializers to an ONNX <see cref="GraphProto"/>, naming every value uniquely under the current
/// module scope (e.g. <c>/backbone/backbone/stem/conv/Conv_3</c>), and sharing equal small integer constants.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    private readonly Dictionary<string, string> _sharedConstants = new(StringComparer.Ordinal);
    private readonly Stack<string> _scopes = new();
    private int _counter;

    public OnnxGraphBuilder(int opset) => Opset = opset;

    public GraphProto Graph { get; } = new() { Name = "yolox" };

    public int Opset { get; }

    /// <summary>Runs <paramref name="body"/> with names prefixed by <paramref name="scope"/>.</summary>
    public T InScope<T>(string scope, Func<T> body)
    {
        _scopes.Push(scope);
        try
        {
            return body();
        }
        finally
        {
            _scopes.Pop();
        }
    }

    /// <summary>A node with one output; returns the output's name.</summary>
    public string Node(string opType, IEnumerable<string> inputs, params AttributeProto[] attributes) =>
        Node(opType, inputs, 1, attributes)[0];

    /// <summary>A node with <paramref name="outputs"/> outputs; returns their names.</summary>
    public string[] Node(string opType, IEnumerable<string> inputs, int outputs, params AttributeProto[] attributes)
    {
        var name = UniqueName(opType);
        var node = new NodeProto { OpType = opType, Name = name };
        node.Input.AddRange(inputs);
        var names = Enumerable.Range(0, outputs).Select(i => outputs == 1 ? name + "_output" : $"{name}_output_{i}").ToArray();
        node.Output.AddRange(names);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return names;
    }

    /// <summary>A float32 initializer.</summary>
    public string Floats(string hint, ReadOnlySpan<float> values, params long[] dims)
    {
        var tensor = new TensorProto { Name = UniqueName(hint), DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values));
        Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>An int64 initializer, shared with any other of equal value and shape.</summary>
    public string Int64s(long[] values, params long[] dims) =>
        Shared("i64", values, dims, TensorProto.Types.DataType.Int64, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    /// <summary>A 1-D int64 initializer.</summary>
    public string Int64s(params long[] values) => Int64s(values, values.Length);

    /// <summary>A scalar (rank 0) int64 initializer.</summary>
    public string Int64Scalar(long value) => Int64s([value], []);

    /// <summary>A float32 initializer shared with any other of equal value and shape.</summary>
    public string SharedFloats(float[] values, params long[] dims) =>
        Shared("f32", values.Select(v => (long)BitConverter.SingleToInt32Bits(v)).ToArray(), dims,
            TensorProto.Types.DataType.Float, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    public static AttributeProto Attr(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Attr(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Attr(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto Attr(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    public static AttributeProto Attr(string name, TensorProto value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = value };

    private string Shared(string hint, long[] key, long[] dims, TensorProto.Types.DataType type, byte[] raw)
    {
        var id = $"{type}|{string.Join(',', dims)}|{string.Join(',', key)}";
        if (_sharedConstants.TryGetValue(id, out var existing))
        {
            return existing;
        }
        var tensor = new TensorProto { Name = $"const_{hint}_{_sharedConstants.Count}", DataType = (int)type, RawData = ByteString.CopyFrom(raw) };
        tensor.Dims.AddRange(dims);
        Graph.Initializer.Add(tensor);
        _sharedConstants[id] = tensor.Name;
        return tensor.Name;
    }

    private string UniqueName(string hint) =>
        "/" + string.Join('/', _scopes.Reverse().Append($"{hint}_{_counter++}"));
}
