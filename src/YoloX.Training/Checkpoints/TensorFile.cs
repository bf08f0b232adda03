using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace YoloX.Training.Checkpoints;

/// <summary>
/// A <c>safetensors</c> file (8-byte little-endian header length, JSON header with <c>__metadata__</c> strings, raw
/// little-endian data) written durably: a temp file beside the target, fsync, rename over the target, fsync of the
/// folder. A crash or a full disk at any point leaves either the old file or the new one, never a broken one.
/// </summary>
internal static class TensorFile
{
    private const long MaxHeaderBytes = 256L << 20;

    /// <summary>Writes tensors (streamed one by one, never all in memory) and metadata to <paramref name="path"/>.</summary>
    public static void Write(string path, IReadOnlyList<KeyValuePair<string, Tensor>> tensors,
        IReadOnlyDictionary<string, string> metadata)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Checkpoints are written little-endian; this host is big-endian.");
        }
        var header = new JsonObject { ["__metadata__"] = new JsonObject(metadata.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))) };
        long offset = 0;
        foreach (var (name, tensor) in tensors)
        {
            var (dtype, size) = Describe(tensor.dtype, name);
            var bytes = tensor.numel() * size;
            header[name] = new JsonObject
            {
                ["dtype"] = dtype,
                ["shape"] = new JsonArray(tensor.shape.Select(s => (JsonNode)s).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes),
            };
            offset += bytes;
        }
        var headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString());
        var padded = (headerBytes.Length + 7) / 8 * 8;
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        var temp = Path.Combine(folder, $".{Path.GetFileName(full)}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                Span<byte> len = stackalloc byte[8];
                BinaryPrimitives.WriteInt64LittleEndian(len, padded);
                stream.Write(len);
                stream.Write(headerBytes);
                for (var i = headerBytes.Length; i < padded; i++)
                {
                    stream.WriteByte((byte)' ');
                }
                foreach (var (_, tensor) in tensors)
                {
                    WriteData(stream, tensor);
                }
                stream.Flush(flushToDisk: true); // fsync: the data is on disk before the rename makes it visible
            }
            File.Move(temp, full, overwrite: true);
            SyncDirectory(folder);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>Reads the metadata and every tensor (CPU). The caller disposes the tensors.</summary>
    /// <exception cref="CheckpointFormatException">The file is not a complete safetensors file.</exception>
    public static (IReadOnlyDictionary<string, string> Metadata, Dictionary<string, Tensor> Tensors) Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Checkpoint '{path}' does not exist.", path);
        }
        using var stream = File.OpenRead(path);
        var metadata = ReadHeader(stream, path, out var entries, out var dataStart);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var (name, dtype, shape, begin, end) in entries)
            {
                var count = shape.Aggregate(1L, (a, b) => a * b);
                var size = dtype switch { "F32" => 4, "F64" => 8, "I64" => 8, "U8" => 1, _ => 0 };
                if (size == 0 || end - begin != count * size || begin < 0 || dataStart + end > stream.Length)
                {
                    throw new CheckpointFormatException(path, $"tensor '{name}' ({dtype}, [{string.Join(",", shape)}]) is inconsistent or truncated.");
                }
                var bytes = new byte[end - begin];
                stream.Position = dataStart + begin;
                stream.ReadExactly(bytes);
                result[name] = dtype switch
                {
                    "F32" => torch.tensor(MemoryMarshal.Cast<byte, float>(bytes).ToArray(), shape),
                    "F64" => torch.tensor(MemoryMarshal.Cast<byte, double>(bytes).ToArray(), shape),
                    "I64" => torch.tensor(MemoryMarshal.Cast<byte, long>(bytes).ToArray(), shape),
                    _ => torch.tensor(bytes, shape),
                };
            }
            return (metadata, result);
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

    /// <summary>Reads only the metadata strings.</summary>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Checkpoint '{path}' does not exist.", path);
        }
        using var stream = File.OpenRead(path);
        return ReadHeader(stream, path, out _, out _);
    }

    private static Dictionary<string, string> ReadHeader(FileStream stream, string path,
        out List<(string Name, string Dtype, long[] Shape, long Begin, long End)> entries, out long dataStart)
    {
        Span<byte> len = stackalloc byte[8];
        if (stream.Read(len) != 8)
        {
            throw new CheckpointFormatException(path, "too short to be a checkpoint.");
        }
        var headerLength = BinaryPrimitives.ReadInt64LittleEndian(len);
        if (headerLength <= 0 || headerLength > MaxHeaderBytes || 8 + headerLength > stream.Length)
        {
            throw new CheckpointFormatException(path, "not a safetensors checkpoint: bad header length.");
        }
        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        dataStart = 8 + headerLength;
        try
        {
            var header = JsonNode.Parse(headerBytes)!.AsObject();
            var metadata = header["__metadata__"] is JsonObject meta
                ? meta.ToDictionary(kv => kv.Key, kv => (string)kv.Value!, StringComparer.Ordinal)
                : new Dictionary<string, string>(StringComparer.Ordinal);
            entries = header
                .Where(kv => kv.Key != "__metadata__")
                .Select(kv => (kv.Key, (string)kv.Value!["dtype"]!,
                    kv.Value["shape"]!.AsArray().Select(n => (long)n!).ToArray(),
                    (long)kv.Value["data_offsets"]![0]!, (long)kv.Value["data_offsets"]![1]!))
                .ToList();
            return metadata;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException
            or NullReferenceException or ArgumentException)
        {
            throw new CheckpointFormatException(path, "the checkpoint header is not valid: " + e.Message, e);
        }
    }

    private static (string Dtype, int Size) Describe(ScalarType type, string name) => type switch
    {
        ScalarType.Float32 => ("F32", 4),
        ScalarType.Float64 => ("F64", 8),
        ScalarType.Int64 => ("I64", 8),
        ScalarType.Byte => ("U8", 1),
        _ => throw new NotSupportedException($"Tensor '{name}' of type {type} cannot be checkpointed."),
    };

    private static void WriteData(Stream stream, Tensor tensor)
    {
        using var scope = torch.NewDisposeScope();
        var cpu = tensor.detach().cpu().contiguous();
        switch (cpu.dtype)
        {
            case ScalarType.Float32:
                stream.Write(MemoryMarshal.AsBytes(cpu.data<float>().ToArray().AsSpan()));
                break;
            case ScalarType.Float64:
                stream.Write(MemoryMarshal.AsBytes(cpu.data<double>().ToArray().AsSpan()));
                break;
            case ScalarType.Int64:
                stream.Write(MemoryMarshal.AsBytes(cpu.data<long>().ToArray().AsSpan()));
                break;
            default:
                stream.Write(cpu.data<byte>().ToArray());
                break;
        }
    }

    /// <summary>fsync of the folder, so the rename itself survives a power loss (POSIX only; a no-op elsewhere).</summary>
    private static void SyncDirectory(string folder)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return;
        }
        var fd = NativeMethods.open(folder, 0 /* O_RDONLY */);
        if (fd < 0)
        {
            return; // some file systems refuse to open folders; the file itself is already synced
        }
        try
        {
            _ = NativeMethods.fsync(fd);
        }
        finally
        {
            _ = NativeMethods.close(fd);
        }
    }

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int fsync(int fd);

        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int close(int fd);
    }
}
