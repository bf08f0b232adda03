using System.Globalization;
using YoloX.Core;
using YoloX.Training.Augmentation;

namespace YoloX.Training;

/// <summary>A recipe value as YAML carries it: a scalar, a flat list of scalars, or null.</summary>
internal sealed record RecipeValue(string? Scalar, IReadOnlyList<string>? Items)
{
    public static RecipeValue Null { get; } = new(null, null);

    public bool IsNull => Scalar is null && Items is null;

    public static RecipeValue Of(string scalar) => new(scalar, null);

    public static RecipeValue List(params string[] items) => new(null, items);

    /// <summary>The YAML flow form (<c>0.5</c>, <c>[0.5, 1.5]</c>, <c>null</c>).</summary>
    public override string ToString() =>
        IsNull ? "null" : Scalar ?? "[" + string.Join(", ", Items!) + "]";
}

/// <summary>One recipe key: its YAML name, a comment, how to read it from and write it to the record.</summary>
internal sealed class RecipeField(
    string key, string comment, Func<TrainingRecipe, RecipeValue> format,
    Func<TrainingRecipe, RecipeValue, TrainingRecipe> parse)
{
    public string Key { get; } = key;

    public string Comment { get; } = comment;

    public RecipeValue Format(TrainingRecipe recipe) => format(recipe);

    public TrainingRecipe Parse(TrainingRecipe recipe, RecipeValue value)
    {
        try
        {
            return parse(recipe, value);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            throw new TrainingRecipeException($"Recipe key '{Key}': cannot read '{value}': {e.Message}", Key, e);
        }
    }
}

/// <summary>
/// The table of every recipe key. One table drives YAML reading and writing, the <c>key=value</c> overrides and the
/// printed form, so they can never disagree.
/// </summary>
internal static class TrainingRecipeFields
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    // Declared before the table: static fields initialise in text order.
    private static readonly (YoloXPreset Value, string Name)[] PresetNames =
    [
        (YoloXPreset.Nano, "nano"), (YoloXPreset.Tiny, "tiny"), (YoloXPreset.S, "s"), (YoloXPreset.M, "m"),
        (YoloXPreset.L, "l"), (YoloXPreset.X, "x"), (YoloXPreset.Darknet53, "darknet53"),
    ];

    private static readonly (LearningRateScheduler Value, string Name)[] SchedulerNames =
    [
        (LearningRateScheduler.YoloxWarmCos, "yoloxwarmcos"), (LearningRateScheduler.WarmCos, "warmcos"),
        (LearningRateScheduler.Cos, "cos"), (LearningRateScheduler.MultiStep, "multistep"),
        (LearningRateScheduler.Constant, "constant"),
    ];

    private static readonly (AffineStyle Value, string Name)[] AffineStyleNames =
    [
        (AffineStyle.Official, "official"), (AffineStyle.Perspective, "perspective"),
    ];

    private static readonly (FinalTransformStyle Value, string Name)[] FinalTransformNames =
    [
        (FinalTransformStyle.Official, "official"), (FinalTransformStyle.MindYolo, "mindyolo"),
    ];

    private static readonly (HsvGainMode Value, string Name)[] HsvModeNames =
    [
        (HsvGainMode.OpenCvUnits, "opencv"), (HsvGainMode.Fractional, "fractional"),
    ];

    public static IReadOnlyList<RecipeField> All { get; } =
    [
        Text("name", "label for logs and checkpoints (official exp_name)", r => r.Name, (r, v) => r with { Name = v }),
        Enum("model", "model scale: nano, tiny, s, m, l, x, darknet53", r => r.Model, (r, v) => r with { Model = v }, PresetNames),

        Int("max_epoch", "epochs of the whole run", r => r.MaxEpoch, (r, v) => r with { MaxEpoch = v }),
        Int("warmup_epochs", "epochs of lr warm-up", r => r.WarmupEpochs, (r, v) => r with { WarmupEpochs = v }),
        Double("warmup_lr", "absolute lr the warm-up starts from", r => r.WarmupLr, (r, v) => r with { WarmupLr = v }),
        Double("basic_lr_per_img", "lr per image of the total batch (official 0.01/64)", r => r.BasicLrPerImg, (r, v) => r with { BasicLrPerImg = v }),
        Enum("scheduler", "yoloxwarmcos, warmcos, cos, multistep or constant", r => r.Scheduler, (r, v) => r with { Scheduler = v }, SchedulerNames),
        Double("min_lr_ratio", "yoloxwarmcos: final lr / base lr", r => r.MinLrRatio, (r, v) => r with { MinLrRatio = v }),
        IntList("milestones", "multistep: epochs where lr is multiplied by gamma", r => r.Milestones, (r, v) => r with { Milestones = v }),
        Double("gamma", "multistep: lr factor at each milestone", r => r.Gamma, (r, v) => r with { Gamma = v }),
        Int("no_aug_epochs", "last epochs without mosaic/mixup, with L1 loss (yoloxwarmcos: flat lr)", r => r.NoAugEpochs, (r, v) => r with { NoAugEpochs = v }),

        Int("batch_size", "images per iteration over all ranks", r => r.BatchSize, (r, v) => r with { BatchSize = v }),
        Double("momentum", "SGD momentum", r => r.Momentum, (r, v) => r with { Momentum = v }),
        Bool("nesterov", "Nesterov momentum", r => r.Nesterov, (r, v) => r with { Nesterov = v }),
        Double("weight_decay", "decay of conv/linear weights (BN weights and biases: none)", r => r.WeightDecay, (r, v) => r with { WeightDecay = v }),
        NullableDouble("grad_clip_norm", "clip the global gradient L2 norm (null: off)", r => r.GradClipNorm, (r, v) => r with { GradClipNorm = v }),

        Bool("ema", "keep and evaluate an EMA of the model", r => r.Ema, (r, v) => r with { Ema = v }),
        Double("ema_decay", "EMA decay: ema_decay * (1 - exp(-updates / ema_ramp))", r => r.EmaDecay, (r, v) => r with { EmaDecay = v }),
        Double("ema_ramp", "EMA decay ramp, in updates", r => r.EmaRamp, (r, v) => r with { EmaRamp = v }),

        IntPair("input_size", "[height, width] of training images", r => r.InputSize, (r, v) => r with { InputSize = v }),
        Int("multiscale_range", "multiscale sizes (input/32 +- range)*32 unless random_size is set; 0 (and no random_size): off", r => r.MultiscaleRange, (r, v) => r with { MultiscaleRange = v }),
        NullableIntPair("random_size", "explicit multiscale range in units of 32 px (null: from multiscale_range)", r => r.RandomSize, (r, v) => r with { RandomSize = v }),
        Int("multiscale_interval", "iterations between multiscale redraws", r => r.MultiscaleInterval, (r, v) => r with { MultiscaleInterval = v }),

        Double("mosaic_prob", "probability of a mosaic sample", r => r.MosaicProb, (r, v) => r with { MosaicProb = v }),
        Double("mixup_prob", "probability of mixup on a mosaic sample", r => r.MixupProb, (r, v) => r with { MixupProb = v }),
        Bool("enable_mixup", "mixup at all", r => r.EnableMixup, (r, v) => r with { EnableMixup = v }),
        Double("hsv_prob", "probability of the HSV jitter", r => r.HsvProb, (r, v) => r with { HsvProb = v }),
        DoubleTriple("hsv_gains", "[hue, saturation, value] gains, read as hsv_mode says", r => r.HsvGains, (r, v) => r with { HsvGains = v }),
        Enum("hsv_mode", "opencv (official: offsets in OpenCV units) or fractional (YOLOv5/MindYOLO: factors 1 +- gain)", r => r.HsvMode, (r, v) => r with { HsvMode = v }, HsvModeNames),
        Double("flip_prob", "probability of a horizontal flip", r => r.FlipProb, (r, v) => r with { FlipProb = v }),
        Double("degrees", "rotation range +- degrees", r => r.Degrees, (r, v) => r with { Degrees = v }),
        Double("translate", "translation range +- fraction of the size", r => r.Translate, (r, v) => r with { Translate = v }),
        Double("shear", "shear range +- degrees", r => r.Shear, (r, v) => r with { Shear = v }),
        DoublePair("mosaic_scale", "scale range of the mosaic's random affine", r => r.MosaicScale, (r, v) => r with { MosaicScale = v }),
        DoublePair("mixup_scale", "scale jitter of the mixup image", r => r.MixupScale, (r, v) => r with { MixupScale = v }),
        NullableDoublePair("mixup_beta", "blend ratio ~ Beta(a, b) (null: the official fixed 0.5)", r => r.MixupBeta, (r, v) => r with { MixupBeta = v }),
        Enum("affine_style", "official (YOLOX random_affine) or perspective (MindYOLO/YOLOv5 random_perspective, centred, drops degenerate boxes)", r => r.AffineStyle, (r, v) => r with { AffineStyle = v }, AffineStyleNames),
        Enum("final_transform", "official (YOLOX TrainTransform) or mindyolo (centred letterbox, jitter on every image, no box dropped)", r => r.FinalTransform, (r, v) => r with { FinalTransform = v }, FinalTransformNames),
        Int("max_labels", "label rows per sample (official 120, MindYOLO 160)", r => r.MaxLabels, (r, v) => r with { MaxLabels = v }),

        Int("data_num_workers", "loader worker threads", r => r.DataNumWorkers, (r, v) => r with { DataNumWorkers = v }),
        Int("seed", "seed of the data stream and multiscale draws", r => r.Seed, (r, v) => r with { Seed = v }),

        Int("eval_interval", "epochs between evaluations", r => r.EvalInterval, (r, v) => r with { EvalInterval = v }),
        Int("no_aug_eval_interval", "epochs between evaluations in the no-aug phase", r => r.NoAugEvalInterval, (r, v) => r with { NoAugEvalInterval = v }),
        Int("print_interval", "iterations between log lines", r => r.PrintInterval, (r, v) => r with { PrintInterval = v }),
        IntPair("test_size", "[height, width] of evaluation images", r => r.TestSize, (r, v) => r with { TestSize = v }),
        Double("test_conf", "score threshold during evaluation", r => r.TestConf, (r, v) => r with { TestConf = v }),
        Double("nmsthre", "NMS IoU threshold during evaluation", r => r.NmsThre, (r, v) => r with { NmsThre = v }),
        Int("max_nonfinite_steps", "stop after this many non-finite losses in a row", r => r.MaxNonFiniteSteps, (r, v) => r with { MaxNonFiniteSteps = v }),
    ];

    private static readonly Dictionary<string, RecipeField> ByKey =
        All.ToDictionary(f => f.Key, StringComparer.OrdinalIgnoreCase);

    public static RecipeField Find(string key) =>
        ByKey.TryGetValue(key.Trim(), out var field)
            ? field
            : throw new TrainingRecipeException(
                $"Unknown recipe key '{key}'. Known keys: {string.Join(", ", All.Select(f => f.Key))}.", key);

    /// <summary>The YAML name of a preset (<c>nano</c> … <c>darknet53</c>).</summary>
    public static string PresetName(YoloXPreset preset) => PresetNames.First(p => p.Value == preset).Name;

    /// <summary>The YAML name of a schedule.</summary>
    public static string SchedulerName(LearningRateScheduler s) => SchedulerNames.First(p => p.Value == s).Name;

    // ---------------- field constructors ----------------

    private static RecipeField Text(string key, string comment, Func<TrainingRecipe, string> get,
        Func<TrainingRecipe, string, TrainingRecipe> set) =>
        new(key, comment, r => RecipeValue.Of(get(r)), (r, v) => set(r, Scalar(v)));

    private static RecipeField Int(string key, string comment, Func<TrainingRecipe, int> get,
        Func<TrainingRecipe, int, TrainingRecipe> set) =>
        new(key, comment, r => RecipeValue.Of(FormatInt(get(r))), (r, v) => set(r, ParseInt(Scalar(v))));

    private static RecipeField Double(string key, string comment, Func<TrainingRecipe, double> get,
        Func<TrainingRecipe, double, TrainingRecipe> set) =>
        new(key, comment, r => RecipeValue.Of(FormatDouble(get(r))), (r, v) => set(r, ParseDouble(Scalar(v))));

    private static RecipeField NullableDouble(string key, string comment, Func<TrainingRecipe, double?> get,
        Func<TrainingRecipe, double?, TrainingRecipe> set) =>
        new(key, comment, r => get(r) is { } d ? RecipeValue.Of(FormatDouble(d)) : RecipeValue.Null,
            (r, v) => set(r, v.IsNull ? null : ParseDouble(Scalar(v))));

    private static RecipeField Bool(string key, string comment, Func<TrainingRecipe, bool> get,
        Func<TrainingRecipe, bool, TrainingRecipe> set) =>
        new(key, comment, r => RecipeValue.Of(get(r) ? "true" : "false"), (r, v) => set(r, ParseBool(Scalar(v))));

    private static RecipeField Enum<T>(string key, string comment, Func<TrainingRecipe, T> get,
        Func<TrainingRecipe, T, TrainingRecipe> set, (T Value, string Name)[] names) where T : struct, System.Enum =>
        new(key, comment, r => RecipeValue.Of(names.First(n => n.Value.Equals(get(r))).Name),
            (r, v) =>
            {
                var text = Scalar(v).Trim();
                foreach (var (value, name) in names)
                {
                    if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase) ||
                        string.Equals(value.ToString(), text, StringComparison.OrdinalIgnoreCase))
                        return set(r, value);
                }
                throw new FormatException($"expected one of {string.Join(", ", names.Select(n => n.Name))}");
            });

    private static RecipeField IntPair(string key, string comment, Func<TrainingRecipe, (int, int)> get,
        Func<TrainingRecipe, (int, int), TrainingRecipe> set) =>
        new(key, comment, r => FormatInts(get(r).Item1, get(r).Item2), (r, v) => set(r, ToPair(ParseInts(v, 2))));

    private static RecipeField NullableIntPair(string key, string comment, Func<TrainingRecipe, (int, int)?> get,
        Func<TrainingRecipe, (int, int)?, TrainingRecipe> set) =>
        new(key, comment, r => get(r) is { } p ? FormatInts(p.Item1, p.Item2) : RecipeValue.Null,
            (r, v) => set(r, v.IsNull ? null : ToPair(ParseInts(v, 2))));

    private static RecipeField DoublePair(string key, string comment, Func<TrainingRecipe, (double, double)> get,
        Func<TrainingRecipe, (double, double), TrainingRecipe> set) =>
        new(key, comment, r => FormatDoubles(get(r).Item1, get(r).Item2),
            (r, v) => { var d = ParseDoubles(v, 2); return set(r, (d[0], d[1])); });

    private static RecipeField NullableDoublePair(string key, string comment, Func<TrainingRecipe, (double, double)?> get,
        Func<TrainingRecipe, (double, double)?, TrainingRecipe> set) =>
        new(key, comment, r => get(r) is { } p ? FormatDoubles(p.Item1, p.Item2) : RecipeValue.Null,
            (r, v) =>
            {
                if (v.IsNull)
                    return set(r, null);
                var d = ParseDoubles(v, 2);
                return set(r, (d[0], d[1]));
            });

    private static RecipeField DoubleTriple(string key, string comment,
        Func<TrainingRecipe, (double, double, double)> get, Func<TrainingRecipe, (double, double, double), TrainingRecipe> set) =>
        new(key, comment, r => FormatDoubles(get(r).Item1, get(r).Item2, get(r).Item3),
            (r, v) => { var d = ParseDoubles(v, 3); return set(r, (d[0], d[1], d[2])); });

    private static RecipeField IntList(string key, string comment, Func<TrainingRecipe, IReadOnlyList<int>> get,
        Func<TrainingRecipe, IReadOnlyList<int>, TrainingRecipe> set) =>
        new(key, comment, r => FormatInts([.. get(r)]), (r, v) => set(r, v.IsNull ? [] : ParseInts(v, null)));

    // ---------------- scalar helpers ----------------

    private static string Scalar(RecipeValue v) =>
        v.Scalar ?? throw new FormatException(v.IsNull ? "a value is required" : "expected a single value, not a list");

    private static string FormatInt(int v) => v.ToString(Inv);

    private static string FormatDouble(double v) => v.ToString("R", Inv);

    private static RecipeValue FormatInts(params int[] v) => RecipeValue.List([.. v.Select(FormatInt)]);

    private static RecipeValue FormatDoubles(params double[] v) => RecipeValue.List([.. v.Select(FormatDouble)]);

    private static int ParseInt(string s) => int.Parse(s.Trim(), NumberStyles.Integer, Inv);

    private static double ParseDouble(string s)
    {
        var t = s.Trim();
        var d = double.Parse(t, NumberStyles.Float, Inv);
        if (!double.IsFinite(d))
            throw new FormatException("the value must be finite");
        return d;
    }

    private static bool ParseBool(string s) => s.Trim().ToLowerInvariant() switch
    {
        "true" or "yes" or "on" or "1" => true,
        "false" or "no" or "off" or "0" => false,
        _ => throw new FormatException("expected true or false"),
    };

    private static IReadOnlyList<string> Items(RecipeValue v, int? count)
    {
        var items = v.Items ?? (v.Scalar is { } s ? s.Split(',', StringSplitOptions.TrimEntries) : null)
            ?? throw new FormatException("a value is required");
        if (count is { } n && items.Count != n)
            throw new FormatException($"expected a list of {n} numbers, got {items.Count}");
        return items;
    }

    private static int[] ParseInts(RecipeValue v, int? count) => [.. Items(v, count).Select(ParseInt)];

    private static double[] ParseDoubles(RecipeValue v, int count) => [.. Items(v, count).Select(ParseDouble)];

    private static (int, int) ToPair(int[] v) => (v[0], v[1]);
}
