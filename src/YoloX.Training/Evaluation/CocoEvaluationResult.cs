using System.Globalization;
using System.Text;

namespace YoloX.Training.Evaluation;

/// <summary>The 12 numbers of pycocotools' <c>COCOeval.stats</c> for bbox evaluation, as fractions; -1 when undefined.</summary>
/// <param name="AP">AP @[.50:.95], all areas, 100 detections.</param>
/// <param name="AP50">AP @.50.</param>
/// <param name="AP75">AP @.75.</param>
/// <param name="APSmall">AP for small objects (area ≤ 32²).</param>
/// <param name="APMedium">AP for medium objects (32² ≤ area ≤ 96²).</param>
/// <param name="APLarge">AP for large objects (area ≥ 96²).</param>
/// <param name="AR1">AR with 1 detection per image.</param>
/// <param name="AR10">AR with 10 detections per image.</param>
/// <param name="AR100">AR with 100 detections per image.</param>
/// <param name="ARSmall">AR for small objects.</param>
/// <param name="ARMedium">AR for medium objects.</param>
/// <param name="ARLarge">AR for large objects.</param>
public sealed record CocoStatistics(
    double AP, double AP50, double AP75, double APSmall, double APMedium, double APLarge,
    double AR1, double AR10, double AR100, double ARSmall, double ARMedium, double ARLarge)
{
    /// <summary>The statistics in pycocotools' order (<c>stats[0]</c> … <c>stats[11]</c>).</summary>
    public double[] ToArray() =>
        [AP, AP50, AP75, APSmall, APMedium, APLarge, AR1, AR10, AR100, ARSmall, ARMedium, ARLarge];
}

/// <summary>AP and AR of one category (all areas, the largest max-detections), computed like YOLOX's per-class tables.</summary>
/// <param name="CategoryId">The category id.</param>
/// <param name="Name">The category name.</param>
/// <param name="AP">Mean of the defined precision values over IoU thresholds and recall points; NaN without ground truth.</param>
/// <param name="AR">Mean of the defined recall values over IoU thresholds; NaN without ground truth.</param>
public sealed record CocoClassResult(long CategoryId, string Name, double AP, double AR);

/// <summary>The outcome of a COCO evaluation: accumulated precision/recall, the 12 statistics and per-class results.</summary>
public sealed class CocoEvaluationResult
{
    private readonly double[] _precision;
    private readonly double[] _recall;

    internal CocoEvaluationResult(
        CocoEvaluationParameters parameters, IReadOnlyList<CocoCategory> categories, int imageCount,
        double[] precision, double[] recall)
    {
        Parameters = parameters;
        Categories = categories;
        ImageCount = imageCount;
        _precision = precision;
        _recall = recall;
        Statistics = Summarize();
        PerClass = [.. categories.Select((c, k) => new CocoClassResult(c.Id, c.Name, ClassAP(k), ClassAR(k)))];
    }

    /// <summary>The settings used.</summary>
    public CocoEvaluationParameters Parameters { get; }

    /// <summary>Categories in evaluation order (ascending id): the K axis.</summary>
    public IReadOnlyList<CocoCategory> Categories { get; }

    /// <summary>Number of images evaluated.</summary>
    public int ImageCount { get; }

    /// <summary>The 12 summary statistics.</summary>
    public CocoStatistics Statistics { get; }

    /// <summary>AP/AR per category, in <see cref="Categories"/> order.</summary>
    public IReadOnlyList<CocoClassResult> PerClass { get; }

    private int T => Parameters.IouThresholds.Count;
    private int R => Parameters.RecallThresholds.Count;
    private int K => Categories.Count;
    private int A => Parameters.AreaRanges.Count;
    private int M => Parameters.MaxDetections.Count;

    /// <summary>Interpolated precision at [IoU threshold, recall threshold, category, area, max detections]; -1 if undefined.</summary>
    public double Precision(int t, int r, int k, int a, int m) => _precision[(((t * R + r) * K + k) * A + a) * M + m];

    /// <summary>Recall at [IoU threshold, category, area, max detections]; -1 if undefined.</summary>
    public double Recall(int t, int k, int a, int m) => _recall[((t * K + k) * A + a) * M + m];

    /// <summary>The summary exactly as pycocotools' <c>summarize()</c> prints it (12 lines).</summary>
    public string FormatSummary()
    {
        var s = Statistics.ToArray();
        var lines = new (bool Ap, string Iou, string Area, int MaxDets)[]
        {
            (true, "0.50:0.95", "all", 100), (true, "0.50", "all", 100), (true, "0.75", "all", 100),
            (true, "0.50:0.95", "small", 100), (true, "0.50:0.95", "medium", 100), (true, "0.50:0.95", "large", 100),
            (false, "0.50:0.95", "all", 1), (false, "0.50:0.95", "all", 10), (false, "0.50:0.95", "all", 100),
            (false, "0.50:0.95", "small", 100), (false, "0.50:0.95", "medium", 100), (false, "0.50:0.95", "large", 100),
        };
        var builder = new StringBuilder();
        for (var i = 0; i < lines.Length; i++)
        {
            var (ap, iou, area, maxDets) = lines[i];
            var title = ap ? "Average Precision" : "Average Recall";
            builder.Append(CultureInfo.InvariantCulture,
                $" {title,-18} {(ap ? "(AP)" : "(AR)")} @[ IoU={iou,-9} | area={area,6} | maxDets={maxDets,3} ] = {s[i].ToString("0.000", CultureInfo.InvariantCulture)}");
            builder.Append('\n');
        }
        return builder.ToString();
    }

    /// <summary>A per-class AP/AR table (percent, like YOLOX's evaluator log), <paramref name="columns"/> classes per row.</summary>
    public string FormatPerClassTable(int columns = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        var nameWidth = Math.Max(5, PerClass.Count == 0 ? 5 : PerClass.Max(c => c.Name.Length));
        var builder = new StringBuilder();
        var header = string.Concat(Enumerable.Repeat($"| {"class".PadRight(nameWidth)} | {"AP",7} | {"AR",7} ", columns)) + "|";
        builder.Append(header).Append('\n');
        builder.Append(string.Concat(Enumerable.Repeat($"|{new string('-', nameWidth + 2)}|---------|---------", columns)))
            .Append("|\n");
        for (var i = 0; i < PerClass.Count; i += columns)
        {
            for (var c = 0; c < columns; c++)
            {
                if (i + c < PerClass.Count)
                {
                    var r = PerClass[i + c];
                    builder.Append(CultureInfo.InvariantCulture,
                        $"| {r.Name.PadRight(nameWidth)} | {Percent(r.AP),7} | {Percent(r.AR),7} ");
                }
                else
                {
                    builder.Append($"| {new string(' ', nameWidth)} | {"",7} | {"",7} ");
                }
            }
            builder.Append("|\n");
        }
        return builder.ToString();
    }

    private static string Percent(double value) =>
        double.IsNaN(value) ? "nan" : (value * 100).ToString("0.000", CultureInfo.InvariantCulture);

    private CocoStatistics Summarize()
    {
        var all = Parameters.MaxDetections[^1];
        return new CocoStatistics(
            SummarizeOne(true, null, "all", all),
            SummarizeOne(true, 0.5, "all", all),
            SummarizeOne(true, 0.75, "all", all),
            SummarizeOne(true, null, "small", all),
            SummarizeOne(true, null, "medium", all),
            SummarizeOne(true, null, "large", all),
            SummarizeOne(false, null, "all", Parameters.MaxDetections[0]),
            SummarizeOne(false, null, "all", Parameters.MaxDetections.Count > 1 ? Parameters.MaxDetections[1] : all),
            SummarizeOne(false, null, "all", all),
            SummarizeOne(false, null, "small", all),
            SummarizeOne(false, null, "medium", all),
            SummarizeOne(false, null, "large", all));
    }

    /// <summary>pycocotools' <c>_summarize</c>: mean of the values > -1 of the selected slice, -1 if none.</summary>
    private double SummarizeOne(bool ap, double? iouThreshold, string areaLabel, int maxDets)
    {
        var a = IndexOf(Parameters.AreaRanges.Select(r => r.Label), areaLabel);
        var m = IndexOf(Parameters.MaxDetections.Select(x => x.ToString(CultureInfo.InvariantCulture)),
            maxDets.ToString(CultureInfo.InvariantCulture));
        var values = new List<double>();
        if (a >= 0 && m >= 0)
        {
            // numpy's C order of the sliced array: precision[t, r, k], recall[t, k].
            for (var t = 0; t < T; t++)
            {
                if (iouThreshold is { } threshold && Parameters.IouThresholds[t] != threshold)
                {
                    continue;
                }
                if (ap)
                {
                    for (var r = 0; r < R; r++)
                    {
                        for (var k = 0; k < K; k++)
                        {
                            Add(Precision(t, r, k, a, m), values);
                        }
                    }
                }
                else
                {
                    for (var k = 0; k < K; k++)
                    {
                        Add(Recall(t, k, a, m), values);
                    }
                }
            }
        }
        return values.Count == 0 ? -1 : NumpyMean(values);
    }

    private double ClassAP(int k)
    {
        var values = new List<double>();
        for (var t = 0; t < T; t++)
        {
            for (var r = 0; r < R; r++)
            {
                Add(Precision(t, r, k, 0, M - 1), values);
            }
        }
        return values.Count == 0 ? double.NaN : NumpyMean(values);
    }

    private double ClassAR(int k)
    {
        var values = new List<double>();
        for (var t = 0; t < T; t++)
        {
            Add(Recall(t, k, 0, M - 1), values);
        }
        return values.Count == 0 ? double.NaN : NumpyMean(values);
    }

    private static void Add(double value, List<double> values)
    {
        if (value > -1)
        {
            values.Add(value);
        }
    }

    /// <summary>
    /// <c>np.mean</c> of a contiguous float64 array: numpy's pairwise summation (8-way unrolled blocks of ≤ 128,
    /// halves split at multiples of 8) then division by the count, so the statistics match pycocotools to the last bit.
    /// </summary>
    internal static double NumpyMean(List<double> values) =>
        (0.0 + PairwiseSum(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(values))) / values.Count;

    private static double PairwiseSum(ReadOnlySpan<double> a)
    {
        var n = a.Length;
        if (n < 8)
        {
            var sum = 0.0;
            foreach (var v in a)
            {
                sum += v;
            }
            return sum;
        }
        if (n <= 128)
        {
            Span<double> r = stackalloc double[8];
            a[..8].CopyTo(r);
            var i = 8;
            for (; i < n - (n % 8); i += 8)
            {
                for (var j = 0; j < 8; j++)
                {
                    r[j] += a[i + j];
                }
            }
            var res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < n; i++)
            {
                res += a[i];
            }
            return res;
        }
        var n2 = n / 2;
        n2 -= n2 % 8;
        return PairwiseSum(a[..n2]) + PairwiseSum(a[n2..]);
    }

    private static int IndexOf(IEnumerable<string> values, string wanted)
    {
        var i = 0;
        foreach (var v in values)
        {
            if (v == wanted)
            {
                return i;
            }
            i++;
        }
        return -1;
    }
}
