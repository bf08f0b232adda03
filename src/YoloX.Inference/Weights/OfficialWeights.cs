using YoloX.Core;

namespace YoloX.Inference.Weights;

/// <summary>The file formats of official weights.</summary>
public enum WeightsFormat
{
    /// <summary>ONNX export (<c>.onnx</c>), run by ONNX Runtime.</summary>
    Onnx,

    /// <summary>PyTorch checkpoint (<c>.pth</c>), loaded into the TorchSharp model.</summary>
    PyTorch,
}

/// <summary>Names and pinned checksums of the official YOLOX release files (release 0.1.1rc0).</summary>
public static class OfficialWeights
{
    /// <summary>SHA-256 of official files whose bytes we have verified; other official files are not checked.</summary>
    public static IReadOnlyDictionary<string, string> PinnedSha256 { get; } = YoloXPresetInfo.All
        .SelectMany(p => p.WeightFiles)
        .Where(f => f.Sha256 is not null)
        .ToDictionary(f => f.FileName, f => f.Sha256!, StringComparer.Ordinal);

    /// <summary>The official file name of <paramref name="preset"/> in <paramref name="format"/>, e.g. <c>yolox_nano.onnx</c>.</summary>
    public static string FileName(YoloXPreset preset, WeightsFormat format)
    {
        var info = YoloXPresetInfo.Get(preset);
        return (format == WeightsFormat.Onnx ? info.OnnxFile : info.PyTorchFile).FileName;
    }

    /// <summary>
    /// Maps an official name to its file name: a file name (<c>yolox_s.onnx</c>, <c>yolox_s.pth</c>), a model name
    /// (<c>yolox-s</c>, <c>yolox_s</c>) or a preset name (<c>s</c>, <c>nano</c>, <c>darknet53</c>). Names without an
    /// extension take <paramref name="format"/>. Returns <c>null</c> for anything else.
    /// </summary>
    public static string? TryGetFileName(string name, WeightsFormat format = WeightsFormat.Onnx)
    {
        ArgumentNullException.ThrowIfNull(name);
        var lower = name.Trim().ToLowerInvariant();
        var ext = Path.GetExtension(lower);
        if (ext is ".onnx" or ".pth")
        {
            format = ext == ".onnx" ? WeightsFormat.Onnx : WeightsFormat.PyTorch;
            lower = lower[..^ext.Length];
        }
        else if (ext.Length > 0)
        {
            return null;
        }
        lower = lower.Replace('-', '_');
        if (lower.StartsWith("yolox_", StringComparison.Ordinal))
        {
            lower = lower["yolox_".Length..];
        }
        return TryParsePreset(lower, out var preset) ? FileName(preset, format) : null;
    }

    /// <summary>Parses a preset name: nano, tiny, s, m, l, x, darknet53 (or darknet), case-insensitive.</summary>
    public static bool TryParsePreset(string name, out YoloXPreset preset)
    {
        switch (name.Trim().ToLowerInvariant())
        {
            case "nano": preset = YoloXPreset.Nano; return true;
            case "tiny": preset = YoloXPreset.Tiny; return true;
            case "s": preset = YoloXPreset.S; return true;
            case "m": preset = YoloXPreset.M; return true;
            case "l": preset = YoloXPreset.L; return true;
            case "x": preset = YoloXPreset.X; return true;
            case "darknet" or "darknet53" or "yolov3": preset = YoloXPreset.Darknet53; return true;
            default: preset = default; return false;
        }
    }

    /// <summary>The official test size of a preset: 416 for Nano and Tiny, 640 for the others.</summary>
    public static int DefaultInputSize(YoloXPreset preset) => YoloXPresetInfo.Get(preset).InputSize;
}
