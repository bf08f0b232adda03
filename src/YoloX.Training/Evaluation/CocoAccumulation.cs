namespace YoloX.Training.Evaluation;

/// <summary>accumulate(): precision [T,R,K,A,M] and recall [T,K,A,M], -1 where a setting has no ground truth.</summary>
internal sealed class CocoAccumulation
{
    private readonly CocoEvaluationParameters _p;
    private readonly int _t, _r, _k, _a, _m;

    public CocoAccumulation(CocoEvaluationParameters parameters, int categoryCount)
    {
        _p = parameters;
        _t = parameters.IouThresholds.Count;
        _r = parameters.RecallThresholds.Count;
        _k = categoryCount;
        _a = parameters.AreaRanges.Count;
        _m = parameters.MaxDetections.Count;
        Precision = new double[_t * _r * _k * _a * _m];
        Recall = new double[_t * _k * _a * _m];
        Array.Fill(Precision, -1.0);
        Array.Fill(Recall, -1.0);
    }

    public double[] Precision { get; }

    public double[] Recall { get; }

    public void Accumulate(int k, CocoCategoryEvaluation state)
    {
        if (state.PairStart.Count == 1)
        {
            return; // no (image, category) pair had anything: COCOeval skips the category
        }
        var workspace = state.Workspace;
        var ranked = RankAll(state, workspace);
        for (var m = 0; m < _m; m++)
        {
            var selected = Select(state, ranked, _p.MaxDetections[m], workspace);
            for (var a = 0; a < _a; a++)
            {
                var counted = state.CountedGroundTruths[a];
                if (counted == 0)
                {
                    continue;
                }
                for (var t = 0; t < _t; t++)
                {
                    Curve(k, a, m, t, counted, selected, state.Flags[a * _t + t], workspace);
                }
            }
        }
    }

    /// <summary>All stored detections by descending score, ties in concatenation order (numpy mergesort).</summary>
    private static int[] RankAll(CocoCategoryEvaluation state, CocoWorkspace workspace)
    {
        var ranked = CocoWorkspace.Ensure(ref workspace.Ranked, state.Count);
        for (var j = 0; j < state.Count; j++)
        {
            ranked[j] = j;
        }
        var scores = state.Scores;
        ranked.AsSpan(0, state.Count).Sort((x, y) =>
        {
            var byScore = scores[y].CompareTo(scores[x]);
            return byScore != 0 ? byScore : x.CompareTo(y);
        });
        return ranked;
    }

    /// <summary>
    /// Each pair's first maxDet detections in ranked order. Filtering the one stable ranking gives the same order as
    /// COCOeval's separate stable sort of the concatenated prefixes, so one sort serves every maxDets value.
    /// </summary>
    private static ReadOnlySpan<int> Select(CocoCategoryEvaluation state, int[] ranked, int maxDet, CocoWorkspace workspace)
    {
        if (maxDet >= state.MaxDetectionsPerPair)
        {
            return ranked.AsSpan(0, state.Count);
        }
        var selected = CocoWorkspace.Ensure(ref workspace.Selection, state.Count);
        var n = 0;
        for (var i = 0; i < state.Count; i++)
        {
            var j = ranked[i];
            if (state.Rank[j] < maxDet)
            {
                selected[n++] = j;
            }
        }
        return selected.AsSpan(0, n);
    }

    private void Curve(
        int k, int a, int m, int t, int counted, ReadOnlySpan<int> selected, byte[] flags, CocoWorkspace workspace)
    {
        var rc = CocoWorkspace.Ensure(ref workspace.Recall, selected.Length);
        var pr = CocoWorkspace.Ensure(ref workspace.Precision, selected.Length);
        double tp = 0, fp = 0;
        var n = 0;
        foreach (var j in selected)
        {
            var flag = flags[j];
            if (flag == MatchFlag.Ignored)
            {
                continue;
            }
            if (flag == MatchFlag.TruePositive)
            {
                tp++;
            }
            else
            {
                fp++;
            }
            rc[n] = tp / counted;
            pr[n] = tp / (fp + tp + MatchFlag.Epsilon);
            n++;
        }
        Recall[((t * _k + k) * _a + a) * _m + m] = n > 0 ? rc[n - 1] : 0;

        for (var i = n - 1; i > 0; i--)
        {
            if (pr[i] > pr[i - 1])
            {
                pr[i - 1] = pr[i];
            }
        }
        // np.searchsorted(rc, recThrs, side="left"): first index with rc >= threshold; past the end → 0.
        var pi = 0;
        for (var r = 0; r < _r; r++)
        {
            var threshold = _p.RecallThresholds[r];
            while (pi < n && rc[pi] < threshold)
            {
                pi++;
            }
            Precision[(((t * _r + r) * _k + k) * _a + a) * _m + m] = pi < n ? pr[pi] : 0;
        }
    }
}
