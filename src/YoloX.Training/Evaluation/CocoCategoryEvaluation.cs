namespace YoloX.Training.Evaluation;

/// <summary>evaluate() for one category: per-image matching over every area range.</summary>
internal sealed class CocoCategoryEvaluation(
    CocoEvaluationParameters parameters, int category, CocoGroundTruth[] groundTruths,
    CocoDetection[] detections, CocoGrouping gtGroups, CocoGrouping dtGroups, CocoWorkspace workspace)
{
    private readonly int _areaCount = parameters.AreaRanges.Count;
    private readonly int _thresholdCount = parameters.IouThresholds.Count;

    /// <summary>The per-pair detection limit used for matching (the largest maxDets).</summary>
    public int MaxDetectionsPerPair => parameters.MaxDetections[^1];

    /// <summary>CocoWorkspace of the thread that runs this category (also used by the accumulation).</summary>
    public CocoWorkspace Workspace => workspace;

    /// <summary>Detection scores of all evaluated pairs, pairs in image order, each sorted by score.</summary>
    public double[] Scores { get; private set; } = [];

    /// <summary>Each stored detection's rank within its (image, category) pair (0 = best score).</summary>
    public int[] Rank { get; private set; } = [];

    /// <summary>Detections stored so far in <see cref="Scores"/> and <see cref="Flags"/>.</summary>
    public int Count { get; private set; }

    /// <summary>Start of each evaluated pair in <see cref="Scores"/>, plus a final end marker.</summary>
    public List<int> PairStart { get; } = [0];

    /// <summary>Per (area, threshold): one flag per detection in <see cref="Scores"/> order.</summary>
    public byte[][] Flags { get; private set; } = [];

    /// <summary>Non-ignored ground truths per area range.</summary>
    public int[] CountedGroundTruths { get; private set; } = [];

    public void Run()
    {
        // Exact capacity: each (image, category) pair keeps at most maxDets[-1] detections.
        var capacity = 0;
        for (int n = dtGroups.CategoryStart[category], end = dtGroups.CategoryStart[category + 1]; n < end;)
        {
            var run = n;
            while (run < end && dtGroups.Keys[run] == dtGroups.Keys[n])
            {
                run++;
            }
            capacity += Math.Min(run - n, parameters.MaxDetections[^1]);
            n = run;
        }
        Scores = new double[capacity];
        Rank = new int[capacity];
        Flags = new byte[_areaCount * _thresholdCount][];
        for (var n = 0; n < Flags.Length; n++)
        {
            Flags[n] = new byte[capacity];
        }
        CountedGroundTruths = new int[_areaCount];

        int g = gtGroups.CategoryStart[category], gEnd = gtGroups.CategoryStart[category + 1];
        int d = dtGroups.CategoryStart[category], dEnd = dtGroups.CategoryStart[category + 1];
        while (g < gEnd || d < dEnd)
        {
            var key = Math.Min(g < gEnd ? gtGroups.Keys[g] : long.MaxValue, d < dEnd ? dtGroups.Keys[d] : long.MaxValue);
            var gStart = g;
            while (g < gEnd && gtGroups.Keys[g] == key)
            {
                g++;
            }
            var dStart = d;
            while (d < dEnd && dtGroups.Keys[d] == key)
            {
                d++;
            }
            EvaluatePair(gtGroups.Order.AsSpan(gStart, g - gStart), dtGroups.Order.AsSpan(dStart, d - dStart));
        }
    }

    private void EvaluatePair(ReadOnlySpan<int> gts, ReadOnlySpan<int> dtsInInputOrder)
    {
        var dts = SortDetections(dtsInInputOrder);
        var gCount = gts.Length;
        var dCount = dts.Length;
        var ious = CocoWorkspace.Ensure(ref workspace.Ious, gCount * dCount);
        ComputeIous(gts, dts, ious);

        var first = Count;
        foreach (var dt in dts)
        {
            Rank[Count] = Count - first;
            Scores[Count++] = detections[dt].Score;
        }
        PairStart.Add(Count);

        var gtOrder = CocoWorkspace.Ensure(ref workspace.GroundTruthOrder, gCount);
        var gtIgnore = CocoWorkspace.Ensure(ref workspace.GroundTruthIgnore, gCount);
        var gtMatched = CocoWorkspace.Ensure(ref workspace.GroundTruthMatched, gCount);
        for (var a = 0; a < _areaCount; a++)
        {
            var range = parameters.AreaRanges[a];
            CountedGroundTruths[a] += OrderGroundTruths(gts, range, gtOrder, gtIgnore);
            for (var t = 0; t < _thresholdCount; t++)
            {
                Array.Clear(gtMatched, 0, gCount);
                Match(gts, dts, ious, gtOrder, gtIgnore, gtMatched, parameters.IouThresholds[t], range,
                    Flags[a * _thresholdCount + t].AsSpan(first, dCount));
            }
        }
    }

    /// <summary>Detections by descending score, ties in input order (numpy mergesort), cut to the largest maxDets.</summary>
    private ReadOnlySpan<int> SortDetections(ReadOnlySpan<int> dts)
    {
        var order = CocoWorkspace.Ensure(ref workspace.DetectionOrder, dts.Length);
        dts.CopyTo(order);
        var span = order.AsSpan(0, dts.Length);
        // Input positions are unique, so comparing them makes the unstable sort behave like a stable one.
        span.Sort((x, y) =>
        {
            var byScore = detections[y].Score.CompareTo(detections[x].Score);
            return byScore != 0 ? byScore : x.CompareTo(y);
        });
        return span[..Math.Min(span.Length, parameters.MaxDetections[^1])];
    }

    /// <summary>IoU like pycocotools' <c>bbIou</c> (maskApi.c), same operation order; crowd IoU = inter / det area.</summary>
    private void ComputeIous(ReadOnlySpan<int> gts, ReadOnlySpan<int> dts, double[] ious)
    {
        var gCount = gts.Length;
        for (var j = 0; j < gCount; j++)
        {
            ref readonly var gt = ref groundTruths[gts[j]];
            var gtArea = gt.Width * gt.Height;
            for (var i = 0; i < dts.Length; i++)
            {
                ref readonly var dt = ref detections[dts[i]];
                var dtArea = dt.Width * dt.Height;
                double value = 0;
                var w = Math.Min(dt.Width + dt.X, gt.Width + gt.X) - Math.Max(dt.X, gt.X);
                if (w > 0)
                {
                    var h = Math.Min(dt.Height + dt.Y, gt.Height + gt.Y) - Math.Max(dt.Y, gt.Y);
                    if (h > 0)
                    {
                        var inter = w * h;
                        var union = gt.IsCrowd ? dtArea : dtArea + gtArea - inter;
                        value = inter / union;
                    }
                }
                ious[i * gCount + j] = value;
            }
        }
    }

    /// <summary>Puts non-ignored ground truths first (stable), returns how many are not ignored.</summary>
    private int OrderGroundTruths(ReadOnlySpan<int> gts, CocoAreaRange range, int[] gtOrder, bool[] gtIgnore)
    {
        var counted = 0;
        for (var j = 0; j < gts.Length; j++)
        {
            ref readonly var gt = ref groundTruths[gts[j]];
            if (!(gt.IsCrowd || gt.Ignore || range.Excludes(gt.Area)))
            {
                gtOrder[counted++] = j;
            }
        }
        var next = counted;
        for (var j = 0; j < gts.Length; j++)
        {
            ref readonly var gt = ref groundTruths[gts[j]];
            if (gt.IsCrowd || gt.Ignore || range.Excludes(gt.Area))
            {
                gtOrder[next++] = j;
            }
        }
        for (var n = 0; n < gts.Length; n++)
        {
            gtIgnore[n] = n >= counted;
        }
        return counted;
    }

    /// <summary>COCOeval's greedy matching at one IoU threshold; appends one flag per detection.</summary>
    private void Match(
        ReadOnlySpan<int> gts, ReadOnlySpan<int> dts, double[] ious, int[] gtOrder, bool[] gtIgnore,
        bool[] gtMatched, double threshold, CocoAreaRange range, Span<byte> flags)
    {
        var gCount = gts.Length;
        for (var i = 0; i < dts.Length; i++)
        {
            var best = Math.Min(threshold, 1 - 1e-10);
            var m = -1;
            for (var n = 0; n < gCount; n++)
            {
                var j = gtOrder[n];
                var crowd = groundTruths[gts[j]].IsCrowd;
                if (gtMatched[n] && !crowd)
                {
                    continue;
                }
                if (m > -1 && !gtIgnore[m] && gtIgnore[n])
                {
                    break;
                }
                var iou = ious[i * gCount + j];
                if (iou < best)
                {
                    continue;
                }
                best = iou;
                m = n;
            }
            byte flag;
            if (m == -1)
            {
                // Unmatched detections outside the area range are ignored, the rest are false positives.
                flag = range.Excludes(detections[dts[i]].Area) ? MatchFlag.Ignored : MatchFlag.FalsePositive;
            }
            else
            {
                gtMatched[m] = true;
                flag = gtIgnore[m] ? MatchFlag.Ignored : MatchFlag.TruePositive;
            }
            flags[i] = flag;
        }
    }
}
