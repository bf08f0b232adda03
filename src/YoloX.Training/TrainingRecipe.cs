using YoloX.Core;
using YoloX.Training.Augmentation;

namespace YoloX.Training;

/// <summary>
/// Every hyper-parameter of a YOLOX training run, with the official names (<c>yolox/exp/yolox_base.py</c>,
/// <c>exps/default/*.py</c>) as YAML keys and the official values as defaults. Immutable: start from
/// <see cref="ForPreset"/> (or a YAML file) and change what differs with <c>with { ... }</c>, a YAML file or
/// <c>key=value</c> overrides; <see cref="Validate"/> checks the whole recipe.
/// </summary>
/// <remarks>
/// The learning rate is per image, as in the official code: the schedule's base rate is
/// <see cref="BasicLrPerImg"/> × the total batch size over all ranks. Iteration counts of the schedule come from the
/// epochs × the data source's batches per epoch.
/// </remarks>
public sealed record TrainingRecipe
{
    /// <summary>The official YOLOX-S recipe (the defaults of <c>yolox_base.py</c>).</summary>
    public static TrainingRecipe Default { get; } = new();

    // ---------------- identity ----------------

    /// <summary>[<c>name</c>] A label for logs and checkpoints (the official <c>exp_name</c>).</summary>
    public string Name { get; init; } = "yolox_s";

    /// <summary>[<c>model</c>] The model scale the recipe trains.</summary>
    public YoloXPreset Model { get; init; } = YoloXPreset.S;

    // ---------------- schedule ----------------

    /// <summary>[<c>max_epoch</c>] Epochs of the whole run (official 300).</summary>
    public int MaxEpoch { get; init; } = 300;

    /// <summary>[<c>warmup_epochs</c>] Epochs of learning-rate warm-up (official 5).</summary>
    public int WarmupEpochs { get; init; } = 5;

    /// <summary>[<c>warmup_lr</c>] Absolute learning rate the warm-up starts from (official 0).</summary>
    public double WarmupLr { get; init; }

    /// <summary>[<c>basic_lr_per_img</c>] Learning rate per image of the total batch (official 0.01 / 64).</summary>
    public double BasicLrPerImg { get; init; } = 0.01 / 64.0;

    /// <summary>[<c>scheduler</c>] The learning-rate schedule (official <c>yoloxwarmcos</c>).</summary>
    public LearningRateScheduler Scheduler { get; init; } = LearningRateScheduler.YoloxWarmCos;

    /// <summary>[<c>min_lr_ratio</c>] Final learning rate of <c>yoloxwarmcos</c> as a fraction of the base (official 0.05).</summary>
    public double MinLrRatio { get; init; } = 0.05;

    /// <summary>[<c>milestones</c>] Epochs at which <c>multistep</c> multiplies the lr by <see cref="Gamma"/>.</summary>
    public IReadOnlyList<int> Milestones { get; init; } = [];

    /// <summary>[<c>gamma</c>] The <c>multistep</c> factor (official default 0.1).</summary>
    public double Gamma { get; init; } = 0.1;

    /// <summary>
    /// [<c>no_aug_epochs</c>] Last epochs without Mosaic/MixUp, with the L1 loss and evaluation every
    /// <see cref="NoAugEvalInterval"/> epochs; <c>yoloxwarmcos</c> keeps the lr flat over them (official 15).
    /// </summary>
    public int NoAugEpochs { get; init; } = 15;

    // ---------------- optimiser ----------------

    /// <summary>[<c>batch_size</c>] Images per iteration over all ranks (the official <c>-b</c>, default 64).</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>[<c>momentum</c>] SGD momentum (official 0.9).</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>[<c>nesterov</c>] Nesterov momentum (official on).</summary>
    public bool Nesterov { get; init; } = true;

    /// <summary>[<c>weight_decay</c>] L2 decay of conv/linear weights; BN weights and biases get none (official 5e-4).</summary>
    public double WeightDecay { get; init; } = 5e-4;

    /// <summary>[<c>grad_clip_norm</c>] Clip the global gradient L2 norm to this value; null (official) = no clipping.</summary>
    public double? GradClipNorm { get; init; }

    // ---------------- EMA ----------------

    /// <summary>[<c>ema</c>] Keep an exponential moving average of the model and evaluate it (official on).</summary>
    public bool Ema { get; init; } = true;

    /// <summary>[<c>ema_decay</c>] The EMA's final decay (the official trainer's 0.9998).</summary>
    public double EmaDecay { get; init; } = 0.9998;

    /// <summary>[<c>ema_ramp</c>] Updates constant of the decay ramp <c>decay·(1 − e^(−updates/ramp))</c> (official 2000).</summary>
    public double EmaRamp { get; init; } = 2000;

    // ---------------- input and multiscale ----------------

    /// <summary>[<c>input_size</c>] (height, width) of training images (official 640×640; Nano/Tiny 416).</summary>
    public (int Height, int Width) InputSize { get; init; } = (640, 640);

    /// <summary>
    /// [<c>multiscale_range</c>] Multiscale training draws sizes in (input/32 ± range)·32; 0 turns it off (official 5).
    /// Ignored when <see cref="RandomSize"/> is set.
    /// </summary>
    public int MultiscaleRange { get; init; } = 5;

    /// <summary>[<c>random_size</c>] Explicit multiscale range in units of 32 px, inclusive (Nano/Tiny (10, 20)); null = use the range.</summary>
    public (int Min, int Max)? RandomSize { get; init; }

    /// <summary>[<c>multiscale_interval</c>] Iterations between multiscale redraws (official 10).</summary>
    public int MultiscaleInterval { get; init; } = 10;

    // ---------------- augmentation ----------------

    /// <summary>[<c>mosaic_prob</c>] Probability of a Mosaic sample (official 1.0; Nano 0.5).</summary>
    public double MosaicProb { get; init; } = 1.0;

    /// <summary>[<c>mixup_prob</c>] Probability of MixUp on a Mosaic sample (official 1.0).</summary>
    public double MixupProb { get; init; } = 1.0;

    /// <summary>[<c>enable_mixup</c>] MixUp at all (official on; Nano/Tiny off).</summary>
    public bool EnableMixup { get; init; } = true;

    /// <summary>[<c>hsv_prob</c>] Probability of the HSV jitter (official 1.0).</summary>
    public double HsvProb { get; init; } = 1.0;

    /// <summary>[<c>hsv_gains</c>] Hue, saturation, value gains, read as <see cref="HsvMode"/> says (official (5, 30, 30)).</summary>
    public (double Hue, double Saturation, double Value) HsvGains { get; init; } = (5, 30, 30);

    /// <summary>[<c>hsv_mode</c>] How <see cref="HsvGains"/> are applied (official <c>opencv</c>).</summary>
    public HsvGainMode HsvMode { get; init; } = HsvGainMode.OpenCvUnits;

    /// <summary>[<c>flip_prob</c>] Probability of a horizontal flip (official 0.5).</summary>
    public double FlipProb { get; init; } = 0.5;

    /// <summary>[<c>degrees</c>] Rotation range ± degrees of the random affine (official 10).</summary>
    public double Degrees { get; init; } = 10.0;

    /// <summary>[<c>translate</c>] Translation range ± this fraction of the size (official 0.1).</summary>
    public double Translate { get; init; } = 0.1;

    /// <summary>[<c>shear</c>] Shear range ± degrees (official 2).</summary>
    public double Shear { get; init; } = 2.0;

    /// <summary>[<c>mosaic_scale</c>] Scale range of the Mosaic's random affine (official (0.1, 2); Nano/Tiny (0.5, 1.5)).</summary>
    public (double Low, double High) MosaicScale { get; init; } = (0.1, 2.0);

    /// <summary>[<c>mixup_scale</c>] Scale jitter of the MixUp image (official (0.5, 1.5)).</summary>
    public (double Low, double High) MixupScale { get; init; } = (0.5, 1.5);

    /// <summary>
    /// [<c>mixup_beta</c>] Draw the MixUp blend ratio from Beta(a, b) (MindYOLO: (8, 8)); null = the official fixed
    /// 0.5 blend.
    /// </summary>
    public (double A, double B)? MixupBeta { get; init; }

    /// <summary>
    /// [<c>affine_style</c>] The random affine after the Mosaic: <c>official</c> (YOLOX's <c>random_affine</c>) or
    /// <c>perspective</c> (MindYOLO's YOLOv5 <c>random_perspective</c>: centred, with its box filter).
    /// </summary>
    public AffineStyle AffineStyle { get; init; } = AffineStyle.Official;

    /// <summary>
    /// [<c>final_transform</c>] The step that finishes each sample: <c>official</c> (YOLOX's <c>TrainTransform</c>) or
    /// <c>mindyolo</c> (MindYOLO's centred letterbox, HSV and flip on every image, no box dropped).
    /// </summary>
    public FinalTransformStyle FinalTransform { get; init; } = FinalTransformStyle.Official;

    /// <summary>[<c>max_labels</c>] Label rows per sample (official 120 behind its Mosaic; MindYOLO 160).</summary>
    public int MaxLabels { get; init; } = 120;

    // ---------------- data loading ----------------

    /// <summary>[<c>data_num_workers</c>] Loader worker threads (official 4).</summary>
    public int DataNumWorkers { get; init; } = 4;

    /// <summary>[<c>seed</c>] Seed of the data stream and the multiscale draws (the official <c>exp.seed</c>, here always set).</summary>
    public int Seed { get; init; }

    // ---------------- evaluation, logging ----------------

    /// <summary>[<c>eval_interval</c>] Epochs between evaluations before the no-aug phase (official 10).</summary>
    public int EvalInterval { get; init; } = 10;

    /// <summary>[<c>no_aug_eval_interval</c>] Epochs between evaluations in the no-aug phase (official 1).</summary>
    public int NoAugEvalInterval { get; init; } = 1;

    /// <summary>[<c>print_interval</c>] Iterations between log lines (official 10).</summary>
    public int PrintInterval { get; init; } = 10;

    /// <summary>[<c>test_size</c>] (height, width) of evaluation images (official 640×640; Nano/Tiny 416).</summary>
    public (int Height, int Width) TestSize { get; init; } = (640, 640);

    /// <summary>[<c>test_conf</c>] Score threshold during evaluation (official 0.01).</summary>
    public double TestConf { get; init; } = 0.01;

    /// <summary>[<c>nmsthre</c>] NMS IoU threshold during evaluation (official 0.65).</summary>
    public double NmsThre { get; init; } = 0.65;

    /// <summary>[<c>max_nonfinite_steps</c>] Training stops after this many non-finite losses in a row.</summary>
    public int MaxNonFiniteSteps { get; init; } = 10;

    /// <summary>The official recipe of a preset (<c>exps/default/*.py</c> over <c>yolox_base.py</c>).</summary>
    public static TrainingRecipe ForPreset(YoloXPreset preset) => preset switch
    {
        YoloXPreset.Nano => new TrainingRecipe
        {
            Name = "yolox_nano", Model = preset, InputSize = (416, 416), TestSize = (416, 416), RandomSize = (10, 20),
            MosaicScale = (0.5, 1.5), MosaicProb = 0.5, EnableMixup = false,
        },
        YoloXPreset.Tiny => new TrainingRecipe
        {
            Name = "yolox_tiny", Model = preset, InputSize = (416, 416), TestSize = (416, 416), RandomSize = (10, 20),
            MosaicScale = (0.5, 1.5), EnableMixup = false,
        },
        YoloXPreset.S => new TrainingRecipe { Name = "yolox_s", Model = preset },
        YoloXPreset.M => new TrainingRecipe { Name = "yolox_m", Model = preset },
        YoloXPreset.L => new TrainingRecipe { Name = "yolox_l", Model = preset },
        YoloXPreset.X => new TrainingRecipe { Name = "yolox_x", Model = preset },
        YoloXPreset.Darknet53 => new TrainingRecipe { Name = "yolov3", Model = preset },
        _ => throw new ArgumentOutOfRangeException(nameof(preset), preset, "Unknown preset."),
    };

    /// <summary>The base learning rate for a total batch: <see cref="BasicLrPerImg"/> × <paramref name="totalBatchSize"/>.</summary>
    public double BaseLearningRate(int totalBatchSize) => BasicLrPerImg * totalBatchSize;

    /// <summary>
    /// The multiscale range in units of 32 px (inclusive), as the official <c>random_resize</c> derives it, or null
    /// when multiscale is off.
    /// </summary>
    public (int Min, int Max)? MultiscaleRange32()
    {
        if (RandomSize is { } explicitRange)
            return explicitRange;
        if (MultiscaleRange == 0)
            return null;
        var centre = InputSize.Height / 32;
        return (centre - MultiscaleRange, centre + MultiscaleRange);
    }

    /// <summary>
    /// The 0-based epoch at which the official trainer switches to the no-aug phase (Mosaic/MixUp off, L1 on, evaluation
    /// every <see cref="NoAugEvalInterval"/> epochs); the phase lasts to the end. The official rule
    /// (<c>epoch + 1 == max_epoch − no_aug_epochs</c>) puts it one epoch before the flat lr tail: 16 epochs of L1 in the
    /// 300/15 recipe, and the last epoch even when <c>no_aug_epochs</c> is 0.
    /// </summary>
    public int NoAugSwitchEpoch => Math.Max(0, MaxEpoch - NoAugEpochs - 1);

    /// <summary>Whether 0-based <paramref name="epoch"/> runs in the no-aug phase (see <see cref="NoAugSwitchEpoch"/>).</summary>
    public bool IsNoAugEpoch(int epoch) => epoch >= NoAugSwitchEpoch;

    /// <summary>Checks every value; throws <see cref="TrainingRecipeException"/> naming the first bad key.</summary>
    public TrainingRecipe Validate()
    {
        TrainingRecipeValidator.Validate(this);
        return this;
    }

    /// <summary>The YAML keys, in the order the printed form and saved files use.</summary>
    public static IReadOnlyList<string> Keys => TrainingRecipeFields.All.Select(f => f.Key).ToArray();

    /// <summary>
    /// Applies <c>key=value</c> overrides (the CLI's <c>-o</c>) in order; values are YAML (<c>0.5</c>, <c>true</c>,
    /// <c>[0.5, 1.5]</c>, <c>null</c>) and lists may also be written <c>0.5,1.5</c>. The result is validated.
    /// </summary>
    /// <exception cref="TrainingRecipeException">Unknown key, malformed pair or value, or an invalid result.</exception>
    public TrainingRecipe WithOverrides(IEnumerable<string> overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        var recipe = this;
        foreach (var pair in overrides)
            recipe = TrainingRecipeYaml.ApplyOverride(recipe, pair);
        return recipe.Validate();
    }

    /// <summary>Applies <c>key=value</c> overrides (see <see cref="WithOverrides(IEnumerable{string})"/>).</summary>
    public TrainingRecipe WithOverrides(params string[] overrides) => WithOverrides((IEnumerable<string>)overrides);

    /// <summary>
    /// Reads a recipe from YAML text. Keys not in the text keep the values of <paramref name="baseRecipe"/>, or, when
    /// it is null, of the preset named by the text's <c>model</c> key (else <see cref="Default"/>).
    /// </summary>
    /// <exception cref="TrainingRecipeException">Malformed YAML, unknown key, bad value or an invalid result.</exception>
    public static TrainingRecipe FromYaml(string yaml, TrainingRecipe? baseRecipe = null) =>
        TrainingRecipeYaml.Parse(yaml, baseRecipe, source: "YAML text").Validate();

    /// <summary>Reads a recipe from a YAML file (see <see cref="FromYaml"/>).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="TrainingRecipeException">The file is not a valid recipe.</exception>
    public static TrainingRecipe Load(string path, TrainingRecipe? baseRecipe = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"Recipe file '{path}' does not exist.", path);
        return TrainingRecipeYaml.Parse(File.ReadAllText(path), baseRecipe, source: path).Validate();
    }

    /// <summary>The whole recipe as YAML (every key, official names, one comment per key); <see cref="FromYaml"/> reads it back equal.</summary>
    public string ToYaml() => TrainingRecipeYaml.Write(this);

    /// <summary>Writes <see cref="ToYaml"/> to a file (through a temporary file and a rename, so it is never half written).</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + ".tmp";
        File.WriteAllText(temp, ToYaml());
        File.Move(temp, full, overwrite: true);
    }

    /// <summary>Names of the recipes shipped with the package (one per preset, plus MindYOLO's YOLOX-S recipe).</summary>
    public static IReadOnlyList<string> ShippedNames => TrainingRecipeYaml.ShippedNames(typeof(TrainingRecipe).Assembly);

    /// <summary>Loads a shipped recipe by name (e.g. <c>yolox_nano</c>, <c>mindyolo_yolox_s</c>; see <see cref="ShippedNames"/>).</summary>
    /// <exception cref="ArgumentException">No shipped recipe has that name.</exception>
    public static TrainingRecipe LoadShipped(string name) =>
        TrainingRecipeYaml.LoadShipped(typeof(TrainingRecipe).Assembly, name);

    /// <summary>A printable form: one aligned <c>key: value</c> line per key (what the trainer logs at start).</summary>
    public string Describe() => TrainingRecipeYaml.Describe(this);

    /// <inheritdoc />
    public override string ToString() => Describe();

    /// <summary>Value equality (lists compared element by element).</summary>
    public bool Equals(TrainingRecipe? other) =>
        other is not null && TrainingRecipeFields.All.All(f => f.Format(this).ToString() == f.Format(other).ToString());

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Name, Model, MaxEpoch, BasicLrPerImg, BatchSize);
}
