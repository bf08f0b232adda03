namespace YoloX.Core.Loss;

/// <summary>
/// Settings of the SimOTA label assigner. The defaults are the constants of the official
/// <c>YOLOXHead.get_assignments</c> / <c>simota_matching</c>.
/// </summary>
public sealed record SimOTAOptions
{
    /// <summary>
    /// Half side, in strides, of the square around a ground-truth centre in which an anchor's cell centre must lie to be
    /// a candidate (official <c>center_radius</c> 1.5).
    /// </summary>
    public double CenterRadius { get; init; } = 1.5;

    /// <summary>How many of a ground truth's best candidate IoUs are summed to give its dynamic k (official 10).</summary>
    public int CandidateTopK { get; init; } = 10;

    /// <summary>Weight of the pairwise classification cost (official 1.0).</summary>
    public double ClassCostWeight { get; init; } = 1.0;

    /// <summary>Weight of the pairwise <c>−log(IoU + 1e-8)</c> cost (official 3.0).</summary>
    public double IoUCostWeight { get; init; } = 3.0;

    /// <summary>Cost added to a (ground truth, anchor) pair whose anchor lies outside that ground truth's centre region (official 1e6).</summary>
    public double OutsideCenterPenalty { get; init; } = 1e6;

    /// <summary>The official settings.</summary>
    public static SimOTAOptions Default { get; } = new();

    /// <summary>Checks the settings and returns them.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of its range.</exception>
    public SimOTAOptions Validate()
    {
        Require(CenterRadius > 0 && double.IsFinite(CenterRadius), nameof(CenterRadius), CenterRadius, "must be a positive finite number");
        Require(CandidateTopK >= 1, nameof(CandidateTopK), CandidateTopK, "must be at least 1");
        Require(ClassCostWeight >= 0 && double.IsFinite(ClassCostWeight), nameof(ClassCostWeight), ClassCostWeight, "must be finite and non-negative");
        Require(IoUCostWeight >= 0 && double.IsFinite(IoUCostWeight), nameof(IoUCostWeight), IoUCostWeight, "must be finite and non-negative");
        Require(OutsideCenterPenalty >= 0 && double.IsFinite(OutsideCenterPenalty), nameof(OutsideCenterPenalty), OutsideCenterPenalty, "must be finite and non-negative");
        return this;
    }

    internal static void Require(bool ok, string name, object value, string rule)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} {rule}.");
        }
    }
}
