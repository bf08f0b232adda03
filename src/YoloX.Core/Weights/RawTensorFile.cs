using System.Buffers.Binary;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace YoloX.Core.Weights;

/// <summary>
/// One tensor read from a raw tensor file: its name, shape and element type, and the values on the host.
/// </summary>
/// <param name="Name">The tensor's name (official state_dict key for weights).</param>
/// <param name="Shape">The shape; empty for a scalar.</param>
/// <param name="Float32">The values when the element type is float32, else <c>null</c>.</param>
/// <param name="Int64">The values when the element type is int64, else <c>null</c>.</param>
public sealed record RawTensor(string Name, long[] Shape, float[]? Float32, long[]? Int64)
{
    /// <summary>The values when the element type is uint8 (e.g. stored training images), else <c>null</c>.</summary>
    public byte[]? UInt8 { get; init; }

    /// <summary>Number of elements (1 for a scalar).</summary>
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>Copies the values into a new CPU tensor of the stored element type and shape.</summary>
    public Tensor ToTensor() =>
        Float32 is not null ? tensor(Float32, Shape)
        : UInt8 is not null ? tensor(UInt8, Shape, ScalarType.Byte)
        : tensor(Int64!, Shape);
}

/// <summary>
/// Reads the raw tensor fixture format of the parity goldens: <c>X.json</c> indexes tensors (shape, dtype, byte
/// offset, byte count) stored little-endian and C-contiguous, back to back, in <c>X.bin</c>.
/// </summary>
public static class RawTensorFile
{
    /// <summary>Reads every tensor of the fixture whose index is <paramref name="jsonPath"/>, in file order.</summary>
    /// <exception cref="InvalidDataException">The index or the data file is malformed.</exception>
    public static IReadOnlyList<RawTensor> Read(string jsonPath)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(jsonPath));
        var root = doc.RootElement;
        var binName = root.TryGetProperty("bin", out var b) ? b.GetString()! : Path.ChangeExtension(Path.GetFileName(jsonPath), ".bin");
        var binPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(jsonPath))!, binName);
        var bytes = File.ReadAllBytes(binPath);
        var result = new List<RawTensor>();
        foreach (var entry in root.GetProperty("tensors").EnumerateObject())
        {
            result.Add(ReadOne(entry.Name, entry.Value, bytes, jsonPath));
        }
        return result;
    }

    /// <summary>Reads the fixture into a name → tensor map (insertion order kept by the list form of <see cref="Read"/>).</summary>
    public static Dictionary<string, RawTensor> ReadMap(string jsonPath) =>
        Read(jsonPath).ToDictionary(t => t.Name, StringComparer.Ordinal);

    private static RawTensor ReadOne(string name, JsonElement meta, byte[] bytes, string source)
    {
        var shape = meta.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        var offset = meta.GetProperty("offset").GetInt64();
        var nbytes = meta.GetProperty("nbytes").GetInt64();
        var dtype = meta.GetProperty("dtype").GetString();
        var count = shape.Aggregate(1L, (a, x) => a * x);
        var elementSize = dtype switch
        {
            "float32" => 4,
            "int64" => 8,
            "uint8" => 1,
            _ => throw new InvalidDataException($"{source}: tensor '{name}' has unsupported dtype '{dtype}'."),
        };
        if (count * elementSize != nbytes || offset < 0 || offset + nbytes > bytes.Length)
        {
            throw new InvalidDataException(
                $"{source}: tensor '{name}' (shape [{string.Join(",", shape)}], {dtype}) does not fit its byte range {offset}+{nbytes} of {bytes.Length}.");
        }
        var span = bytes.AsSpan((int)offset, (int)nbytes);
        if (dtype == "float32")
        {
            var values = new float[count];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = BinaryPrimitives.ReadSingleLittleEndian(span.Slice(i * 4, 4));
            }
            return new RawTensor(name, shape, values, null);
        }
        if (dtype == "uint8")
        {
            return new RawTensor(name, shape, null, null) { UInt8 = span.ToArray() };
        }
        var longs = new long[count];
        for (var i = 0; i < longs.Length; i++)
        {
            longs[i] = BinaryPrimitives.ReadInt64LittleEndian(span.Slice(i * 8, 8));
        }
        return new RawTensor(name, shape, null, longs);
    }
}

/// <summary>Conversions from raw fixture tensors to TorchSharp state dicts.</summary>
public static class RawTensorExtensions
{
    /// <summary>
    /// New CPU tensors for the entries whose names satisfy <paramref name="include"/> (all when null), keyed by name.
    /// The caller owns (disposes) the tensors.
    /// </summary>
    public static Dictionary<string, Tensor> ToStateDict(this IEnumerable<RawTensor> tensors, Func<string, bool>? include = null) =>
        tensors.Where(t => include?.Invoke(t.Name) ?? true)
            .ToDictionary(t => t.Name, t => t.ToTensor(), StringComparer.Ordinal);
}
