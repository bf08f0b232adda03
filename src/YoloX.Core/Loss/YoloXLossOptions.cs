namespace YoloX.Core.Loss;

/// <summary>Settings of the YOLOX training loss (official <c>YOLOXHead.get_losses</c> defaults).</summary>
public sealed record YoloXLossOptions
{
    /// <summary>Label assignment settings.</summary>
    public SimOTAOptions Assignment { get; init; } = SimOTAOptions.Default;

    /// <summary>Weight of the IoU loss in the total (official <c>reg_weight</c> 5.0).</summary>
    public double RegWeight { get; init; } = 5.0;

    /// <summary>Box loss form (official <c>IOUloss(loss_type="iou")</c>).</summary>
    public IoULossType BoxLoss { get; init; } = IoULossType.IoU;

    /// <summary>
    /// Adds the L1 loss on the raw box regressions (the official trainer turns it on for the last, no-augmentation epochs).
    /// </summary>
    public bool UseL1 { get; init; }

    /// <summary>
    /// Copies each image's assignment to the host into <see cref="LossTerms.Assignments"/> (diagnostics, tests; costs a
    /// few small device-to-host copies).
    /// </summary>
    public bool CollectAssignments { get; init; }

    /// <summary>
    /// Throws <see cref="NonFiniteLossException"/> when a loss term comes out NaN or infinite (one scalar read per step).
    /// </summary>
    public bool ThrowOnNonFinite { get; init; } = true;

    /// <summary>The official settings (no L1).</summary>
    public static YoloXLossOptions Default { get; } = new();

    /// <summary>Checks the settings and returns them.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of its range.</exception>
    public YoloXLossOptions Validate()
    {
        ArgumentNullException.ThrowIfNull(Assignment);
        Assignment.Validate();
        SimOTAOptions.Require(RegWeight >= 0 && double.IsFinite(RegWeight), nameof(RegWeight), RegWeight, "must be finite and non-negative");
        SimOTAOptions.Require(Enum.IsDefined(BoxLoss), nameof(BoxLoss), BoxLoss, "is not a known loss type");
        return this;
    }
}
