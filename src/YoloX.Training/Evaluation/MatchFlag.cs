namespace YoloX.Training.Evaluation;

/// <summary>What matching decided for one detection at one (area range, IoU threshold).</summary>
internal static class MatchFlag
{
    /// <summary>Counts as a false positive.</summary>
    public const byte FalsePositive = 0;

    /// <summary>Matched a counted ground truth.</summary>
    public const byte TruePositive = 1;

    /// <summary>Left out of the curves (matched an ignored/crowd object, or unmatched outside the area range).</summary>
    public const byte Ignored = 2;

    /// <summary><c>np.spacing(1)</c>, added to the precision denominator as pycocotools does.</summary>
    public const double Epsilon = 2.220446049250313e-16;
}
