using System.Text;

namespace YoloX.Inference.Tests;

/// <summary>
/// Writes tiny but real ONNX models (protobuf wire format by hand; onnx.proto field numbers) for tests that need
/// models with a known output, metadata or a wrong layout. ONNX Runtime loads and runs them like any other model.
/// </summary>
internal static class OnnxTestModels
{
    private const int FloatType = 1;
    private const int Int64Type = 7;

    /// <summary>
    /// A fake detector: input images [batch, 3, size, size] (batch dynamic), output [batch, N, 5 + C] equal to
    /// <paramref name="rows"/> for every image (computed as 0 · mean(images) + rows, so the batch follows the input).
    /// </summary>
    public static byte[] FakeDetector(int size, int classCount, float[] rows, IReadOnlyDictionary<string, string>? metadata = null, bool dynamicBatch = true)
    {
        var n = rows.Length / (5 + classCount);
        var batch = dynamicBatch ? Dim.Param("batch") : Dim.Value(1);
        var nodes = new List<byte[]>
        {
            Node("ReduceMean", ["images"], ["mean"], Attr.Ints("axes", [1, 2, 3]), Attr.Int("keepdims", 1)),
            Node("Reshape", ["mean", "shape"], ["mean3"]),
            Node("Mul", ["mean3", "zero"], ["zeros"]),
            Node("Add", ["zeros", "rows"], ["output"]),
        };
        var initializers = new List<byte[]>
        {
            Tensor("shape", [3], Int64Type, Int64s([-1, 1, 1])),
            Tensor("zero", [1], FloatType, Floats([0f])),
            Tensor("rows", [1, n, 5 + classCount], FloatType, Floats(rows)),
        };
        return Model(nodes, initializers,
            ValueInfo("images", batch, Dim.Value(3), Dim.Value(size), Dim.Value(size)),
            ValueInfo("output", batch, Dim.Value(n), Dim.Value(5 + classCount)), metadata);
    }

    /// <summary>A valid model that is not a detector: Identity on [1, 3, 8, 8] (its output has rank 4).</summary>
    public static byte[] Identity4D() =>
        Model([Node("Identity", ["x"], ["y"])], [],
            ValueInfo("x", Dim.Value(1), Dim.Value(3), Dim.Value(8), Dim.Value(8)),
            ValueInfo("y", Dim.Value(1), Dim.Value(3), Dim.Value(8), Dim.Value(8)), null);

    /// <summary>A valid model whose input is a vector [1, 10], not an image.</summary>
    public static byte[] Identity2D() =>
        Model([Node("Identity", ["x"], ["y"])], [],
            ValueInfo("x", Dim.Value(1), Dim.Value(10)), ValueInfo("y", Dim.Value(1), Dim.Value(10)), null);

    private static byte[] Model(List<byte[]> nodes, List<byte[]> initializers, byte[] input, byte[] output, IReadOnlyDictionary<string, string>? metadata)
    {
        var graph = new Proto();
        nodes.ForEach(n => graph.Bytes(1, n));
        graph.String(2, "test");
        initializers.ForEach(t => graph.Bytes(5, t));
        graph.Bytes(11, input);
        graph.Bytes(12, output);
        var model = new Proto().Varint(1, 7).String(2, "yolox-tests").Bytes(7, graph.ToArray())
            .Bytes(8, new Proto().String(1, "").Varint(2, 13).ToArray());
        foreach (var (k, v) in metadata ?? new Dictionary<string, string>())
        {
            model.Bytes(14, new Proto().String(1, k).String(2, v).ToArray());
        }
        return model.ToArray();
    }

    private static byte[] Node(string op, string[] inputs, string[] outputs, params byte[][] attributes)
    {
        var p = new Proto();
        foreach (var i in inputs)
        {
            p.String(1, i);
        }
        foreach (var o in outputs)
        {
            p.String(2, o);
        }
        p.String(4, op);
        foreach (var a in attributes)
        {
            p.Bytes(5, a);
        }
        return p.ToArray();
    }

    private static byte[] Tensor(string name, long[] dims, int type, byte[] raw)
    {
        var p = new Proto();
        foreach (var d in dims)
        {
            p.Varint(1, d);
        }
        return p.Varint(2, type).String(8, name).Bytes(9, raw).ToArray();
    }

    private static byte[] ValueInfo(string name, params byte[][] dims)
    {
        var shape = new Proto();
        foreach (var d in dims)
        {
            shape.Bytes(1, d);
        }
        var tensorType = new Proto().Varint(1, FloatType).Bytes(2, shape.ToArray()).ToArray();
        return new Proto().String(1, name).Bytes(2, new Proto().Bytes(1, tensorType).ToArray()).ToArray();
    }

    private static byte[] Floats(float[] values)
    {
        var bytes = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        return bytes;
    }

    private static byte[] Int64s(long[] values)
    {
        var bytes = new byte[values.Length * 8];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        return bytes;
    }

    private static class Dim
    {
        public static byte[] Value(long v) => new Proto().Varint(1, v).ToArray();

        public static byte[] Param(string name) => new Proto().String(2, name).ToArray();
    }

    private static class Attr
    {
        public static byte[] Int(string name, long value) => new Proto().String(1, name).Varint(3, value).Varint(20, 2).ToArray();

        public static byte[] Ints(string name, long[] values)
        {
            var p = new Proto().String(1, name);
            foreach (var v in values)
            {
                p.Varint(8, v);
            }
            return p.Varint(20, 7).ToArray();
        }
    }

    /// <summary>Protobuf wire-format writer: varint (type 0) and length-delimited (type 2) fields.</summary>
    private sealed class Proto
    {
        private readonly MemoryStream _s = new();

        public Proto Varint(int field, long value)
        {
            WriteRaw((ulong)(field << 3));
            WriteRaw((ulong)value);
            return this;
        }

        public Proto Bytes(int field, byte[] value)
        {
            WriteRaw((ulong)((field << 3) | 2));
            WriteRaw((ulong)value.Length);
            _s.Write(value);
            return this;
        }

        public Proto String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public byte[] ToArray() => _s.ToArray();

        private void WriteRaw(ulong v)
        {
            while (v >= 0x80)
            {
                _s.WriteByte((byte)(v | 0x80));
                v >>= 7;
            }
            _s.WriteByte((byte)v);
        }
    }
}
