namespace YoloX.Training.Engine;

/// <summary>
/// The trainer's settings. Names and defaults follow the official <c>yolox/exp/yolox_base.py</c> (the default COCO
/// recipe); a recipe sets them per preset. Immutable: change it with <c>with</c>, check it with <see cref="Validate"/>.
/// </summary>
public sealed record TrainerOptions
{
    /// <summary>Epochs to train (official <c>max_epoch</c>).</summary>
    public int MaxEpoch { get; init; } = 300;

    /// <summary>Warm-up epochs (official <c>warmup_epochs</c>).</summary>
    public int WarmupEpochs { get; init; } = 5;

    /// <summary>Epochs at the end without Mosaic/MixUp and with L1 (official <c>no_aug_epochs</c>).</summary>
    public int NoAugEpochs { get; init; } = 15;

    /// <summary>Learning rate at the start of warm-up (official <c>warmup_lr</c>).</summary>
    public double WarmupLr { get; init; }

    /// <summary>Learning rate per image; the lr is this × the global batch size (official <c>basic_lr_per_img</c>).</summary>
    public double BasicLrPerImage { get; init; } = 0.01 / 64.0;

    /// <summary>Final lr as a fraction of the base lr (official <c>min_lr_ratio</c>).</summary>
    public double MinLrRatio { get; init; } = 0.05;

    /// <summary>SGD momentum (Nesterov).</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>Weight decay on convolution/linear weights only.</summary>
    public double WeightDecay { get; init; } = 5e-4;

    /// <summary>Keep an EMA of the weights (official <c>ema</c>).</summary>
    public bool Ema { get; init; } = true;

    /// <summary>EMA decay before the ramp <c>1 − exp(−updates/2000)</c>.</summary>
    public double EmaDecay { get; init; } = 0.9998;

    /// <summary>Evaluate every this many epochs (every epoch in the no-aug phase), official <c>eval_interval</c>.</summary>
    public int EvalInterval { get; init; } = 10;

    /// <summary>Log a line every this many iterations (official <c>print_interval</c>).</summary>
    public int PrintInterval { get; init; } = 10;

    /// <summary>
    /// Multiscale range in units of 32 around the input size (official <c>multiscale_range</c>); 0 turns multiscale
    /// off unless <see cref="RandomSize"/> is given.
    /// </summary>
    public int MultiscaleRange { get; init; } = 5;

    /// <summary>Explicit multiscale range in units of 32, inclusive (official <c>random_size</c>, e.g. (10, 20) for Nano).</summary>
    public (int Min, int Max)? RandomSize { get; init; }

    /// <summary>Draw a new multiscale size every this many iterations (the official trainer's 10).</summary>
    public int RandomSizeInterval { get; init; } = 10;

    /// <summary>Seed of the data stream and of the multiscale draws.</summary>
    public int Seed { get; init; }

    /// <summary>Where checkpoints and logs go.</summary>
    public string OutputDirectory { get; init; } = "YOLOX_outputs/train";

    /// <summary>Also keep <c>epoch_N_ckpt</c> every this many epochs (0: never).</summary>
    public int SaveEveryEpochs { get; init; }

    /// <summary>Stop with <see cref="TrainingDivergedException"/> after this many non-finite losses in a row.</summary>
    public int MaxConsecutiveNonFinite { get; init; } = 10;

    /// <summary>Stop after this many evaluations without a better AP (0: no early stopping).</summary>
    public int EarlyStoppingPatience { get; init; }

    /// <summary>Stop after the first epoch that ends past this much training time (<c>null</c>: no budget).</summary>
    public TimeSpan? TimeBudget { get; init; }

    /// <summary>Torch device: "cpu", "cuda", "cuda:1".</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Freeze the backbone (the pyramid network below the head): no gradients, no updates.</summary>
    public bool FreezeBackbone { get; init; }

    /// <summary>Keep every BatchNorm in eval mode: running statistics are not updated.</summary>
    public bool FreezeBatchNorm { get; init; }

    /// <summary>Confidence threshold of evaluation (official <c>test_conf</c>).</summary>
    public float TestConf { get; init; } = 0.01f;

    /// <summary>NMS threshold of evaluation (official <c>nmsthre</c>).</summary>
    public float NmsThreshold { get; init; } = 0.65f;

    /// <summary>Write PNG curves of losses, lr and AP after every epoch.</summary>
    public bool Plots { get; init; } = true;

    /// <summary>Write TensorBoard event files.</summary>
    public bool TensorBoard { get; init; } = true;

    /// <summary>Throws <see cref="ArgumentException"/> naming every setting out of range.</summary>
    public TrainerOptions Validate()
    {
        var problems = new List<string>();
        void Check(bool ok, string problem)
        {
            if (!ok)
            {
                problems.Add(problem);
            }
        }
        Check(MaxEpoch > 0, $"max_epoch {MaxEpoch} must be positive");
        Check(WarmupEpochs >= 0 && WarmupEpochs <= MaxEpoch, $"warmup_epochs {WarmupEpochs} must be in [0, max_epoch]");
        Check(NoAugEpochs >= 0 && NoAugEpochs <= MaxEpoch, $"no_aug_epochs {NoAugEpochs} must be in [0, max_epoch]");
        Check(WarmupEpochs + NoAugEpochs <= MaxEpoch, "warmup_epochs + no_aug_epochs must not exceed max_epoch");
        Check(double.IsFinite(BasicLrPerImage) && BasicLrPerImage >= 0, $"basic_lr_per_img {BasicLrPerImage} must be ≥ 0");
        Check(double.IsFinite(WarmupLr) && WarmupLr >= 0, $"warmup_lr {WarmupLr} must be ≥ 0");
        Check(MinLrRatio is >= 0 and <= 1, $"min_lr_ratio {MinLrRatio} must be in [0, 1]");
        Check(Momentum is >= 0 and < 1, $"momentum {Momentum} must be in [0, 1)");
        Check(WeightDecay is >= 0 and < 1, $"weight_decay {WeightDecay} must be in [0, 1)");
        Check(EmaDecay is > 0 and < 1, $"ema decay {EmaDecay} must be in (0, 1)");
        Check(EvalInterval > 0, $"eval_interval {EvalInterval} must be positive");
        Check(PrintInterval > 0, $"print_interval {PrintInterval} must be positive");
        Check(MultiscaleRange >= 0, $"multiscale_range {MultiscaleRange} must be ≥ 0");
        Check(RandomSize is null || (RandomSize.Value.Min > 0 && RandomSize.Value.Min <= RandomSize.Value.Max),
            "random_size must be (min, max) with 0 < min ≤ max");
        Check(RandomSizeInterval > 0, $"the multiscale interval {RandomSizeInterval} must be positive");
        Check(!string.IsNullOrWhiteSpace(OutputDirectory), "the output directory is empty");
        Check(SaveEveryEpochs >= 0, $"save every {SaveEveryEpochs} epochs must be ≥ 0");
        Check(MaxConsecutiveNonFinite > 0, $"max consecutive non-finite losses {MaxConsecutiveNonFinite} must be positive");
        Check(EarlyStoppingPatience >= 0, $"early stopping patience {EarlyStoppingPatience} must be ≥ 0");
        Check(TimeBudget is null || TimeBudget > TimeSpan.Zero, "the time budget must be positive");
        Check(!string.IsNullOrWhiteSpace(Device), "the device is empty");
        Check(TestConf is >= 0 and <= 1, $"test_conf {TestConf} must be in [0, 1]");
        Check(NmsThreshold is > 0 and <= 1, $"nmsthre {NmsThreshold} must be in (0, 1]");
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid training settings: " + string.Join("; ", problems) + ".");
        }
        return this;
    }

    /// <summary>The first epoch (0-based) of the no-aug phase: the official switch fires when <c>epoch + 1 == max_epoch − no_aug_epochs</c>.</summary>
    public int NoAugStartEpoch => NoAugEpochs > 0 ? Math.Max(0, MaxEpoch - NoAugEpochs - 1) : MaxEpoch;
}
