using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace YoloX.Core.Weights;

/// <summary>What a YoloX.NET checkpoint records besides the tensors.</summary>
/// <param name="Config">The network configuration (scale, classes, input size).</param>
/// <param name="ClassNames">Class names, one per class, or empty when unknown.</param>
/// <param name="IsFused">Whether the weights are of the fused (BN folded) model.</param>
public sealed record CheckpointMetadata(YoloXConfig Config, IReadOnlyList<string> ClassNames, bool IsFused);

/// <summary>Thrown when a weights file cannot be read: not the expected format, truncated or inconsistent.</summary>
public sealed class WeightsFormatException : Exception
{
    /// <summary>Creates the exception for <paramref name="path"/>.</summary>
    public WeightsFormatException(string path, string problem, Exception? inner = null)
        : base($"{path}: {problem}", inner) => FilePath = path;

    /// <summary>The offending file.</summary>
    public string FilePath { get; }
}

/// <summary>
/// Our checkpoint: the <c>safetensors</c> layout (8-byte little-endian header length, a JSON header, raw
/// little-endian tensor data), so Python's <c>safetensors</c> can read it too. Keys are the official state_dict
/// keys; the header's <c>__metadata__</c> holds the configuration and class names. Writes are atomic.
/// </summary>
public static class YoloXCheckpoint
{
    private const string FormatTag = "yolox.net/1";
    private const long MaxHeaderBytes = 100L << 20;

    /// <summary>Writes the model's weights and metadata to <paramref name="path"/> (temp file, then rename).</summary>
    public static void Save(YoloXModel model, string path, IReadOnlyList<string>? classNames = null)
    {
        classNames ??= [];
        if (classNames.Count != 0 && classNames.Count != model.NumClasses)
        {
            throw new ArgumentException($"{classNames.Count} class names for a model with {model.NumClasses} classes.", nameof(classNames));
        }
        var entries = StateDict.Ordered(model);
        var header = new JsonObject
        {
            ["__metadata__"] = new JsonObject
            {
                ["format"] = FormatTag,
                ["config"] = JsonSerializer.Serialize(ConfigDto.From(model.Config)),
                ["class_names"] = JsonSerializer.Serialize(classNames),
                ["fused"] = model.IsFused ? "true" : "false",
            },
        };
        var blobs = new List<byte[]>(entries.Count);
        long offset = 0;
        foreach (var (name, tensor) in entries)
        {
            var bytes = ToBytes(tensor, out var dtype);
            header[name] = new JsonObject
            {
                ["dtype"] = dtype,
                ["shape"] = new JsonArray(tensor.shape.Select(s => (JsonNode)s).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes.Length),
            };
            offset += bytes.Length;
            blobs.Add(bytes);
        }
        var headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString());
        var padded = (headerBytes.Length + 7) / 8 * 8; // safetensors pads the header with spaces to 8 bytes
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + $".tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                Span<byte> len = stackalloc byte[8];
                BinaryPrimitives.WriteInt64LittleEndian(len, padded);
                stream.Write(len);
                stream.Write(headerBytes);
                for (var i = headerBytes.Length; i < padded; i++)
                {
                    stream.WriteByte((byte)' ');
                }
                foreach (var blob in blobs)
                {
                    stream.Write(blob);
                }
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>Reads only the metadata of a checkpoint.</summary>
    public static CheckpointMetadata ReadMetadata(string path) => ReadHeader(path, out _, out _).Metadata;

    /// <summary>Builds the model a checkpoint describes and loads its weights (strictly).</summary>
    /// <exception cref="WeightsFormatException">The file is not a readable YoloX.NET checkpoint.</exception>
    public static (YoloXModel Model, CheckpointMetadata Metadata) Load(string path)
    {
        var (metadata, tensors) = ReadHeader(path, out var dataStart, out var length);
        var model = YoloXModel.Create(metadata.Config);
        try
        {
            if (metadata.IsFused)
            {
                model.Fuse();
            }
            var state = ReadTensors(path, tensors, dataStart, length);
            try
            {
                StateDict.Load(model, state);
            }
            finally
            {
                foreach (var t in state.Values)
                {
                    t.Dispose();
                }
            }
            return (model, metadata);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private sealed record TensorEntry(string Name, string Dtype, long[] Shape, long Begin, long End);

    private static (CheckpointMetadata Metadata, List<TensorEntry> Tensors) ReadHeader(string path, out long dataStart, out long length)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Checkpoint '{path}' does not exist.", path);
        }
        using var stream = File.OpenRead(path);
        length = stream.Length;
        Span<byte> len = stackalloc byte[8];
        if (stream.Read(len) != 8)
        {
            throw new WeightsFormatException(path, "too short to be a YoloX.NET checkpoint.");
        }
        var headerLength = BinaryPrimitives.ReadInt64LittleEndian(len);
        if (headerLength <= 0 || headerLength > MaxHeaderBytes || 8 + headerLength > length)
        {
            throw new WeightsFormatException(path, "not a YoloX.NET (safetensors) checkpoint: bad header length.");
        }
        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        dataStart = 8 + headerLength;
        try
        {
            return ParseHeader(JsonNode.Parse(headerBytes)!.AsObject(), path);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or NullReferenceException or ArgumentException)
        {
            throw new WeightsFormatException(path, "the checkpoint header is not valid: " + e.Message, e);
        }
    }

    private static (CheckpointMetadata, List<TensorEntry>) ParseHeader(JsonObject header, string path)
    {
        if (header["__metadata__"] is not JsonObject meta || (string?)meta["format"] != FormatTag)
        {
            throw new WeightsFormatException(path, $"safetensors file without YoloX.NET metadata (format '{FormatTag}').");
        }
        var config = JsonSerializer.Deserialize<ConfigDto>((string)meta["config"]!)!.ToConfig().Validate();
        var names = JsonSerializer.Deserialize<string[]>((string)meta["class_names"]!) ?? [];
        var metadata = new CheckpointMetadata(config, names, (string?)meta["fused"] == "true");
        var tensors = header
            .Where(kv => kv.Key != "__metadata__")
            .Select(kv => new TensorEntry(kv.Key, (string)kv.Value!["dtype"]!,
                kv.Value["shape"]!.AsArray().Select(n => (long)n!).ToArray(),
                (long)kv.Value["data_offsets"]![0]!, (long)kv.Value["data_offsets"]![1]!))
            .ToList();
        return (metadata, tensors);
    }

    private static Dictionary<string, Tensor> ReadTensors(string path, List<TensorEntry> entries, long dataStart, long length)
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        using var stream = File.OpenRead(path);
        try
        {
            foreach (var e in entries)
            {
                var count = e.Shape.Aggregate(1L, (a, b) => a * b);
                var size = e.Dtype switch { "F32" => 4, "I64" => 8, _ => 0 };
                if (size == 0 || e.End - e.Begin != count * size || e.Begin < 0 || dataStart + e.End > length)
                {
                    throw new WeightsFormatException(path, $"tensor '{e.Name}' ({e.Dtype}, [{string.Join(",", e.Shape)}]) is inconsistent or truncated.");
                }
                var bytes = new byte[e.End - e.Begin];
                stream.Position = dataStart + e.Begin;
                stream.ReadExactly(bytes);
                result[e.Name] = size == 4
                    ? torch.tensor(MemoryMarshal.Cast<byte, float>(bytes).ToArray(), e.Shape)
                    : torch.tensor(MemoryMarshal.Cast<byte, long>(bytes).ToArray(), e.Shape);
            }
            return result;
        }
        catch
        {
            foreach (var t in result.Values)
            {
                t.Dispose();
            }
            throw;
        }
    }

    private static byte[] ToBytes(Tensor tensor, out string dtype)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Checkpoints are written little-endian; this host is big-endian.");
        }
        using var cpu = tensor.detach().cpu().contiguous();
        switch (cpu.dtype)
        {
            case ScalarType.Float32:
                dtype = "F32";
                return MemoryMarshal.AsBytes(cpu.data<float>().ToArray().AsSpan()).ToArray();
            case ScalarType.Int64:
                dtype = "I64";
                return MemoryMarshal.AsBytes(cpu.data<long>().ToArray().AsSpan()).ToArray();
            default:
                throw new NotSupportedException($"Tensors of type {cpu.dtype} cannot be checkpointed.");
        }
    }

    /// <summary>The serialised form of <see cref="YoloXConfig"/> (stable names, no enums as numbers).</summary>
    private sealed record ConfigDto(string? Preset, string Architecture, double Depth, double Width, bool Depthwise,
        string Activation, int NumClasses, int InputSize, int[] Strides)
    {
        public static ConfigDto From(YoloXConfig c) => new(c.Preset?.ToString(), c.Architecture.ToString(), c.Depth,
            c.Width, c.Depthwise, c.Activation.ToString(), c.NumClasses, c.InputSize, c.Strides.ToArray());

        public YoloXConfig ToConfig() => new()
        {
            Preset = Preset is null ? null : Enum.Parse<YoloXPreset>(Preset),
            Architecture = Enum.Parse<YoloXArchitecture>(Architecture),
            Depth = Depth,
            Width = Width,
            Depthwise = Depthwise,
            Activation = Enum.Parse<Modules.Activation>(Activation),
            NumClasses = NumClasses,
            InputSize = InputSize,
            Strides = Strides,
        };
    }
}
