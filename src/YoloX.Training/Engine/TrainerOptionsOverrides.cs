using System.Globalization;
using YoloX.Core;

namespace YoloX.Training.Engine;

/// <summary>
/// Official per-preset settings and <c>key=value</c> overrides of <see cref="TrainerOptions"/> by the official
/// <c>Exp</c> attribute names (<c>max_epoch=20</c>, <c>random_size=10,20</c>, <c>basic_lr_per_img=0.0003</c>, ...).
/// </summary>
public static class TrainerOptionsOverrides
{
    private static readonly Dictionary<string, Func<TrainerOptions, string, TrainerOptions>> Setters = new(StringComparer.OrdinalIgnoreCase)
    {
        ["max_epoch"] = (o, v) => o with { MaxEpoch = Int(v) },
        ["warmup_epochs"] = (o, v) => o with { WarmupEpochs = Int(v) },
        ["no_aug_epochs"] = (o, v) => o with { NoAugEpochs = Int(v) },
        ["warmup_lr"] = (o, v) => o with { WarmupLr = Double(v) },
        ["basic_lr_per_img"] = (o, v) => o with { BasicLrPerImage = Double(v) },
        ["min_lr_ratio"] = (o, v) => o with { MinLrRatio = Double(v) },
        ["momentum"] = (o, v) => o with { Momentum = Double(v) },
        ["weight_decay"] = (o, v) => o with { WeightDecay = Double(v) },
        ["ema"] = (o, v) => o with { Ema = Bool(v) },
        ["ema_decay"] = (o, v) => o with { EmaDecay = Double(v) },
        ["eval_interval"] = (o, v) => o with { EvalInterval = Int(v) },
        ["print_interval"] = (o, v) => o with { PrintInterval = Int(v) },
        ["multiscale_range"] = (o, v) => o with { MultiscaleRange = Int(v) },
        ["random_size"] = (o, v) => o with { RandomSize = Range(v) },
        ["random_size_interval"] = (o, v) => o with { RandomSizeInterval = Int(v) },
        ["seed"] = (o, v) => o with { Seed = Int(v) },
        ["save_every"] = (o, v) => o with { SaveEveryEpochs = Int(v) },
        ["max_nonfinite"] = (o, v) => o with { MaxConsecutiveNonFinite = Int(v) },
        ["patience"] = (o, v) => o with { EarlyStoppingPatience = Int(v) },
        ["time_budget"] = (o, v) => o with { TimeBudget = v is "" or "none" ? null : TimeSpan.FromSeconds(Double(v)) },
        ["device"] = (o, v) => o with { Device = v },
        ["freeze_backbone"] = (o, v) => o with { FreezeBackbone = Bool(v) },
        ["freeze_bn"] = (o, v) => o with { FreezeBatchNorm = Bool(v) },
        ["test_conf"] = (o, v) => o with { TestConf = (float)Double(v) },
        ["nmsthre"] = (o, v) => o with { NmsThreshold = (float)Double(v) },
        ["plots"] = (o, v) => o with { Plots = Bool(v) },
        ["tensorboard"] = (o, v) => o with { TensorBoard = Bool(v) },
        ["output_dir"] = (o, v) => o with { OutputDirectory = v },
    };

    /// <summary>The keys <see cref="Apply"/> understands.</summary>
    public static IReadOnlyCollection<string> Keys => Setters.Keys;

    /// <summary>The official settings of a preset: Nano and Tiny draw multiscale sizes from (10, 20) × 32.</summary>
    public static TrainerOptions ForPreset(YoloXPreset preset) => preset switch
    {
        YoloXPreset.Nano or YoloXPreset.Tiny => new TrainerOptions { RandomSize = (10, 20) },
        _ => new TrainerOptions(),
    };

    /// <summary>Applies <c>key=value</c> overrides in order.</summary>
    /// <exception cref="ArgumentException">An unknown key or a value that does not parse (the message lists the keys).</exception>
    public static TrainerOptions Apply(TrainerOptions options, IEnumerable<string> overrides)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(overrides);
        foreach (var item in overrides)
        {
            var eq = item.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new ArgumentException($"Override '{item}' is not key=value.");
            }
            var (key, value) = (item[..eq].Trim(), item[(eq + 1)..].Trim());
            if (!Setters.TryGetValue(key, out var set))
            {
                throw new ArgumentException($"Unknown setting '{key}'; known: {string.Join(", ", Setters.Keys.Order())}.");
            }
            try
            {
                options = set(options, value);
            }
            catch (FormatException e)
            {
                throw new ArgumentException($"Setting '{key}': '{value}' is not a valid value ({e.Message}).", e);
            }
        }
        return options;
    }

    private static int Int(string v) => int.Parse(v, NumberStyles.Integer, CultureInfo.InvariantCulture);

    private static double Double(string v) => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static bool Bool(string v) => v.ToLowerInvariant() switch
    {
        "true" or "1" or "yes" or "on" => true,
        "false" or "0" or "no" or "off" => false,
        _ => throw new FormatException("expected true or false"),
    };

    private static (int, int)? Range(string v)
    {
        if (v is "" or "none")
        {
            return null;
        }
        var parts = v.Trim('(', ')', '[', ']').Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != 2)
        {
            throw new FormatException("expected min,max");
        }
        return (Int(parts[0]), Int(parts[1]));
    }
}
