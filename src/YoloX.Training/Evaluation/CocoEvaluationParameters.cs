namespace YoloX.Training.Evaluation;

/// <summary>
/// The settings of a COCO bbox evaluation. <see cref="Default"/> equals pycocotools' <c>Params(iouType="bbox")</c>:
/// IoU thresholds 0.50:0.05:0.95, 101 recall thresholds, max detections 1/10/100 and the all/small/medium/large
/// area ranges (0–32², 32²–96², 96²–1e5²).
/// </summary>
public sealed class CocoEvaluationParameters
{
    /// <summary>Creates a parameter set; arrays are copied and validated.</summary>
    /// <param name="iouThresholds">IoU thresholds, ascending, each in (0, 1].</param>
    /// <param name="recallThresholds">Recall thresholds where precision is sampled, ascending in [0, 1].</param>
    /// <param name="maxDetections">Detections kept per image and category, ascending (the last one is used for matching).</param>
    /// <param name="areaRanges">Area ranges; the summary expects labels all, small, medium, large.</param>
    public CocoEvaluationParameters(
        IReadOnlyList<double> iouThresholds, IReadOnlyList<double> recallThresholds,
        IReadOnlyList<int> maxDetections, IReadOnlyList<CocoAreaRange> areaRanges)
    {
        ArgumentNullException.ThrowIfNull(iouThresholds);
        ArgumentNullException.ThrowIfNull(recallThresholds);
        ArgumentNullException.ThrowIfNull(maxDetections);
        ArgumentNullException.ThrowIfNull(areaRanges);
        if (iouThresholds.Count == 0 || recallThresholds.Count == 0 || maxDetections.Count == 0 || areaRanges.Count == 0)
        {
            throw new ArgumentException("Every parameter list needs at least one value.");
        }
        if (maxDetections.Any(m => m <= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(maxDetections), "Max detections must be positive.");
        }
        IouThresholds = [.. iouThresholds];
        RecallThresholds = [.. recallThresholds];
        MaxDetections = [.. maxDetections.Order()];
        AreaRanges = [.. areaRanges];
    }

    /// <summary>pycocotools' defaults for bbox evaluation.</summary>
    public static CocoEvaluationParameters Default { get; } = new(
        LinSpace(0.5, 0.95, 10),
        LinSpace(0.0, 1.0, 101),
        [1, 10, 100],
        [
            new CocoAreaRange("all", 0, 1e5 * 1e5),
            new CocoAreaRange("small", 0, 32 * 32),
            new CocoAreaRange("medium", 32 * 32, 96 * 96),
            new CocoAreaRange("large", 96 * 96, 1e5 * 1e5),
        ]);

    /// <summary>IoU thresholds (T of them).</summary>
    public IReadOnlyList<double> IouThresholds { get; }

    /// <summary>Recall thresholds (R of them).</summary>
    public IReadOnlyList<double> RecallThresholds { get; }

    /// <summary>Max detections per image (M of them, ascending).</summary>
    public IReadOnlyList<int> MaxDetections { get; }

    /// <summary>Area ranges (A of them).</summary>
    public IReadOnlyList<CocoAreaRange> AreaRanges { get; }

    /// <summary>
    /// numpy's <c>linspace(start, stop, num)</c> bit for bit: <c>i·step + start</c> with the last value set to
    /// <c>stop</c>. This matters because the thresholds are compared for equality (0.8999999999999999, not 0.9).
    /// </summary>
    public static double[] LinSpace(double start, double stop, int num)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(num, 2);
        var step = (stop - start) / (num - 1);
        var values = new double[num];
        for (var i = 0; i < num; i++)
        {
            values[i] = i * step + start;
        }
        values[^1] = stop;
        return values;
    }
}
