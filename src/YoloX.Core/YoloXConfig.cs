using YoloX.Core.Modules;

namespace YoloX.Core;

/// <summary>Which backbone and neck a YOLOX model is built from.</summary>
public enum YoloXArchitecture
{
    /// <summary>CSPDarknet backbone with the YOLOPAFPN neck (YOLOX-Nano to -X).</summary>
    CspDarknetPafpn,

    /// <summary>Darknet-53 backbone with the YOLOv3 FPN neck (YOLOX-Darknet53).</summary>
    Darknet53Fpn,
}

/// <summary>
/// Immutable description of a YOLOX network: everything needed to rebuild it, and what a checkpoint records.
/// Start from <see cref="FromPreset"/> and change what differs with <c>with</c>.
/// </summary>
public sealed record YoloXConfig
{
    /// <summary>The preset this configuration came from, or <c>null</c> for a custom one.</summary>
    public YoloXPreset? Preset { get; init; }

    /// <summary>Backbone and neck family.</summary>
    public YoloXArchitecture Architecture { get; init; } = YoloXArchitecture.CspDarknetPafpn;

    /// <summary>Depth multiplier (CSPDarknet family only; Darknet53 requires 1.0).</summary>
    public double Depth { get; init; } = 1.0;

    /// <summary>Width multiplier.</summary>
    public double Width { get; init; } = 1.0;

    /// <summary>Depthwise separable 3×3 convolutions (YOLOX-Nano).</summary>
    public bool Depthwise { get; init; }

    /// <summary>The activation.</summary>
    public Activation Activation { get; init; } = Activation.SiLU;

    /// <summary>Number of classes.</summary>
    public int NumClasses { get; init; } = 80;

    /// <summary>Default (square) input size in pixels; must be a multiple of the largest stride.</summary>
    public int InputSize { get; init; } = 640;

    /// <summary>Strides of the three output levels: always 8, 16, 32 (the backbone fixes them; <see cref="Validate"/> rejects others).</summary>
    public IReadOnlyList<int> Strides { get; init; } = [8, 16, 32];

    /// <summary>Parameter count of the preset's model with 80 classes, as published (<see cref="YoloXPresetInfo"/>).</summary>
    public static long OfficialParameterCount(YoloXPreset preset) => YoloXPresetInfo.Get(preset).OfficialParameterCount;

    /// <summary>The official configuration of a preset, with <paramref name="numClasses"/> classes.</summary>
    public static YoloXConfig FromPreset(YoloXPreset preset, int numClasses = 80) =>
        YoloXPresetInfo.Get(preset).Config with { NumClasses = numClasses };

    /// <summary>Parses a preset name such as <c>nano</c>, <c>yolox-s</c>, <c>yolox_l</c> or <c>darknet53</c>.</summary>
    public static bool TryParsePreset(string name, out YoloXPreset preset)
    {
        var key = name.Trim().ToLowerInvariant().Replace('-', '_');
        if (key.StartsWith("yolox_", StringComparison.Ordinal))
        {
            key = key["yolox_".Length..];
        }
        if (key is "darknet" or "yolov3")
        {
            key = "darknet53";
        }
        return Enum.TryParse(key, ignoreCase: true, out preset) && Enum.IsDefined(preset);
    }

    /// <summary>Checks the configuration; throws <see cref="ArgumentException"/> naming the bad value.</summary>
    public YoloXConfig Validate()
    {
        if (NumClasses < 1)
        {
            throw new ArgumentException($"NumClasses must be at least 1 (was {NumClasses}).");
        }
        if (!(Depth > 0) || !(Width > 0) || double.IsInfinity(Depth) || double.IsInfinity(Width))
        {
            throw new ArgumentException($"Depth and Width must be positive (were {Depth}, {Width}).");
        }
        var baseChannels = (long)(Width * 64);
        if (baseChannels < 1 || (long)(256 * Width) < 1)
        {
            throw new ArgumentException($"Width {Width} leaves no channels.");
        }
        // The backbone derives its channels from int(64·width), the neck and head from int(c·width): they only
        // agree when 64·width is whole enough; the official code fails deep inside a convolution otherwise.
        if (Architecture == YoloXArchitecture.CspDarknetPafpn &&
            (baseChannels * 4 != (long)(256 * Width) || baseChannels * 8 != (long)(512 * Width) || baseChannels * 16 != (long)(1024 * Width)))
        {
            throw new ArgumentException(
                $"Width {Width} gives inconsistent channels (int(64·w) = {baseChannels}); use a multiple of 1/64 such as 0.25, 0.375 or 0.5.");
        }
        // The backbones downsample by 8, 16 and 32 and the anchor grids of the head and of the inference
        // post-processor assume exactly these; any other value would be silently ignored.
        if (!Strides.SequenceEqual([8, 16, 32]))
        {
            throw new ArgumentException(
                $"Strides must be 8, 16, 32 (the backbone's fixed output levels), were {string.Join(", ", Strides)}.");
        }
        var maxStride = Strides.Max();
        if (InputSize < maxStride || InputSize % maxStride != 0)
        {
            throw new ArgumentException($"InputSize must be a positive multiple of {maxStride} (was {InputSize}).");
        }
        if (Architecture == YoloXArchitecture.Darknet53Fpn && (Width != 1.0 || Depthwise))
        {
            throw new ArgumentException("The Darknet53 architecture has a fixed width of 1.0 and no depthwise option.");
        }
        // Darknet-53 (official Darknet(depth=53)) has fixed block counts and LeakyReLU throughout: the official
        // YOLOFPN takes neither a depth multiplier nor an activation, so other values would be ignored.
        if (Architecture == YoloXArchitecture.Darknet53Fpn && Depth != 1.0)
        {
            throw new ArgumentException($"Depth {Depth} is not supported by the Darknet53 architecture (fixed depth 53; use 1.0).");
        }
        if (Architecture == YoloXArchitecture.Darknet53Fpn && Activation != Activation.LeakyReLU)
        {
            throw new ArgumentException($"Activation {Activation} is not supported by the Darknet53 architecture (fixed LeakyReLU).");
        }
        return this;
    }
}
