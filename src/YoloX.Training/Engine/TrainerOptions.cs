namespace YoloX.Training.Engine;

/// <summary>
/// How the trainer runs, beside the recipe's hyper-parameters (<see cref="TrainingRecipe"/>): where it writes, when it
/// stops early, which device, what is frozen and which logs it keeps. Immutable; check with <see cref="Validate"/>.
/// </summary>
public sealed record TrainerOptions
{
    /// <summary>The defaults.</summary>
    public static TrainerOptions Default { get; } = new();

    /// <summary>Where checkpoints and logs go.</summary>
    public string OutputDirectory { get; init; } = "YOLOX_outputs/train";

    /// <summary>Also keep <c>epoch_N_ckpt</c> every this many epochs (0: never).</summary>
    public int SaveEveryEpochs { get; init; }

    /// <summary>Stop after this many evaluations without a better AP (0: no early stopping).</summary>
    public int EarlyStoppingPatience { get; init; }

    /// <summary>Stop after the first epoch that ends past this much training time (<c>null</c>: no budget).</summary>
    public TimeSpan? TimeBudget { get; init; }

    /// <summary>Torch device: "cpu", "cuda", "cuda:1".</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Freeze the backbone (the pyramid network below the head): no gradients, no updates.</summary>
    public bool FreezeBackbone { get; init; }

    /// <summary>Keep every BatchNorm in eval mode while training: running statistics stay as loaded.</summary>
    public bool FreezeBatchNorm { get; init; }

    /// <summary>Write PNG curves of losses, lr and AP after every epoch.</summary>
    public bool Plots { get; init; } = true;

    /// <summary>Write TensorBoard event files.</summary>
    public bool TensorBoard { get; init; } = true;

    /// <summary>
    /// Tune glibc's allocator for training at start (<see cref="NativeAllocatorTuning"/>: large blocks reused instead
    /// of mapped and unmapped every step; process-wide). On by default; turn off when the process must give memory
    /// back between steps.
    /// </summary>
    public bool TuneNativeAllocator { get; init; } = true;

    /// <summary>Throws <see cref="ArgumentException"/> naming every setting out of range.</summary>
    public TrainerOptions Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(OutputDirectory))
        {
            problems.Add("the output directory is empty");
        }
        if (SaveEveryEpochs < 0)
        {
            problems.Add($"save every {SaveEveryEpochs} epochs must be ≥ 0");
        }
        if (EarlyStoppingPatience < 0)
        {
            problems.Add($"early stopping patience {EarlyStoppingPatience} must be ≥ 0");
        }
        if (TimeBudget is { } budget && budget <= TimeSpan.Zero)
        {
            problems.Add("the time budget must be positive");
        }
        if (string.IsNullOrWhiteSpace(Device))
        {
            problems.Add("the device is empty");
        }
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid trainer settings: " + string.Join("; ", problems) + ".");
        }
        return this;
    }
}
