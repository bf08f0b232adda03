using YoloX.Core.Modules;

namespace YoloX.Core;

/// <summary>
/// Everything known about one official YOLOX preset, in one place: its configuration and default input size, the
/// published parameter count, FLOPs and COCO AP (official README at the pinned commit), the same facts from the seed
/// project's table (MindYOLO <c>configs/yolox</c>), the official weight files and the categories they predict.
/// </summary>
public sealed record YoloXPresetInfo
{
    /// <summary>The preset.</summary>
    public required YoloXPreset Preset { get; init; }

    /// <summary>The display name, e.g. <c>YOLOX-Nano</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The short name used on the command line and in file names, e.g. <c>nano</c>.</summary>
    public required string Key { get; init; }

    /// <summary>The official configuration (80 classes); derive others with <c>with { NumClasses = … }</c>.</summary>
    public required YoloXConfig Config { get; init; }

    /// <summary>The official test size (square), in pixels.</summary>
    public int InputSize => Config.InputSize;

    /// <summary>Exact parameter count of the official 80-class model (measured from the official code).</summary>
    public required long OfficialParameterCount { get; init; }

    /// <summary>Published GFLOPs at <see cref="InputSize"/> (official README; what <c>get_model_info</c> printed).</summary>
    public required double OfficialGFlops { get; init; }

    /// <summary>Published COCO val2017 AP (0.5:0.95, %) of the official weights (official README).</summary>
    public required double OfficialCocoAp { get; init; }

    /// <summary>Parameters in millions as the seed's table rounds them.</summary>
    public required double SeedParamsM { get; init; }

    /// <summary>GFLOPs as the seed's table rounds them.</summary>
    public required double SeedGFlops { get; init; }

    /// <summary>COCO val2017 AP (%) the seed project reports for its own training of the preset.</summary>
    public required double SeedCocoAp { get; init; }

    /// <summary>The official release files (PyTorch checkpoint and ONNX export).</summary>
    public required IReadOnlyList<YoloXWeightFile> WeightFiles { get; init; }

    /// <summary>The category names of the official weights (COCO, 80).</summary>
    public IReadOnlyList<string> Categories => CocoCategories.Names;

    /// <summary>The official ONNX file.</summary>
    public YoloXWeightFile OnnxFile => WeightFiles.First(f => f.IsOnnx);

    /// <summary>The official PyTorch checkpoint.</summary>
    public YoloXWeightFile PyTorchFile => WeightFiles.First(f => !f.IsOnnx);

    /// <summary>All presets, in model-zoo order (Nano … X, Darknet53).</summary>
    public static IReadOnlyList<YoloXPresetInfo> All { get; } = Build();

    /// <summary>The descriptor of <paramref name="preset"/>.</summary>
    public static YoloXPresetInfo Get(YoloXPreset preset) =>
        All.FirstOrDefault(p => p.Preset == preset) ?? throw new ArgumentOutOfRangeException(nameof(preset), preset, "Unknown preset.");

    private static YoloXPresetInfo[] Build() =>
    [
        Make(YoloXPreset.Nano, "YOLOX-Nano", "nano", new YoloXConfig { Depth = 0.33, Width = 0.25, Depthwise = true, InputSize = 416 },
            912_159, 1.08, 25.8, 0.9, 1.1, 24.1,
            onnxSha256: "4903c9058f6e2553834e9905be1ae5d67e262cb6321964dbc57a49edc6fa10da"),
        Make(YoloXPreset.Tiny, "YOLOX-Tiny", "tiny", new YoloXConfig { Depth = 0.33, Width = 0.375, InputSize = 416 },
            5_055_855, 6.45, 32.8, 5.1, 6.5, 33.3),
        Make(YoloXPreset.S, "YOLOX-S", "s", new YoloXConfig { Depth = 0.33, Width = 0.50 },
            8_968_255, 26.8, 40.5, 9.0, 26.8, 40.7),
        Make(YoloXPreset.M, "YOLOX-M", "m", new YoloXConfig { Depth = 0.67, Width = 0.75 },
            25_326_495, 73.8, 46.9, 25.3, 73.8, 46.7),
        Make(YoloXPreset.L, "YOLOX-L", "l", new YoloXConfig { Depth = 1.0, Width = 1.0 },
            54_208_895, 155.6, 49.7, 54.2, 155.6, 49.2),
        Make(YoloXPreset.X, "YOLOX-X", "x", new YoloXConfig { Depth = 1.33, Width = 1.25 },
            99_071_455, 281.9, 51.1, 99.1, 281.9, 51.6),
        // The official release names the Darknet53 files yolox_darknet.*.
        Make(YoloXPreset.Darknet53, "YOLOX-Darknet53", "darknet",
            new YoloXConfig { Architecture = YoloXArchitecture.Darknet53Fpn, Depth = 1.0, Width = 1.0, Activation = Activation.LeakyReLU },
            63_724_767, 185.3, 47.7, 63.7, 185.3, 47.7),
    ];

    private static YoloXPresetInfo Make(YoloXPreset preset, string name, string key, YoloXConfig config,
        long parameters, double gflops, double ap, double seedParamsM, double seedGFlops, double seedAp,
        string? onnxSha256 = null) => new()
    {
        Preset = preset,
        Name = name,
        Key = key,
        Config = config with { Preset = preset },
        OfficialParameterCount = parameters,
        OfficialGFlops = gflops,
        OfficialCocoAp = ap,
        SeedParamsM = seedParamsM,
        SeedGFlops = seedGFlops,
        SeedCocoAp = seedAp,
        WeightFiles = [new($"yolox_{key}.pth", null), new($"yolox_{key}.onnx", onnxSha256)],
    };
}
