using YoloX.Training.Evaluation;

namespace YoloX.Training.Tests.Evaluation;

/// <summary>
/// A deliberately literal, unoptimised transcription of pycocotools' COCOeval (evaluate, evaluateImg, accumulate) for
/// bbox, used only to cross-check the optimised evaluator on random data. It keeps every quirk: gt ids in dtMatches,
/// ignored detections kept in the cumulative arrays, searchsorted with the try/except cut-off.
/// </summary>
internal sealed class LiteralCocoEval(CocoEvaluationParameters p)
{
    public double[,,,,] Precision { get; private set; } = new double[0, 0, 0, 0, 0];

    public double[,,,] Recall { get; private set; } = new double[0, 0, 0, 0];

    private sealed record EvalImg(double[] DtScores, long[,] DtMatches, bool[,] DtIgnore, bool[] GtIgnore);

    public void Run(IEnumerable<long> imageIds, IEnumerable<CocoCategory> categories, IReadOnlyList<CocoGroundTruth> gts, IReadOnlyList<CocoDetection> dts)
    {
        var imgIds = imageIds.Distinct().Order().ToArray();
        var catIds = categories.Select(c => c.Id).Distinct().Order().ToArray();
        var gtMap = new Dictionary<(long, long), List<CocoGroundTruth>>();
        var dtMap = new Dictionary<(long, long), List<(CocoDetection D, long Id)>>();
        foreach (var g in gts)
        {
            (gtMap.TryGetValue((g.ImageId, g.CategoryId), out var l) ? l : gtMap[(g.ImageId, g.CategoryId)] = []).Add(g);
        }
        for (var i = 0; i < dts.Count; i++)
        {
            var d = dts[i];
            (dtMap.TryGetValue((d.ImageId, d.CategoryId), out var l) ? l : dtMap[(d.ImageId, d.CategoryId)] = []).Add((d, i + 1));
        }
        int T = p.IouThresholds.Count, R = p.RecallThresholds.Count, K = catIds.Length, A = p.AreaRanges.Count, M = p.MaxDetections.Count;
        var evalImgs = new EvalImg?[K, A, imgIds.Length];
        for (var k = 0; k < K; k++)
        {
            for (var a = 0; a < A; a++)
            {
                for (var i = 0; i < imgIds.Length; i++)
                {
                    evalImgs[k, a, i] = EvaluateImg(
                        gtMap.GetValueOrDefault((imgIds[i], catIds[k])) ?? [],
                        dtMap.GetValueOrDefault((imgIds[i], catIds[k])) ?? [], p.AreaRanges[a], p.MaxDetections[^1]);
                }
            }
        }

        Precision = new double[T, R, K, A, M];
        Recall = new double[T, K, A, M];
        Fill(Precision);
        Fill(Recall);
        for (var k = 0; k < K; k++)
        {
            for (var a = 0; a < A; a++)
            {
                for (var m = 0; m < M; m++)
                {
                    Accumulate(evalImgs, k, a, m, imgIds.Length);
                }
            }
        }
    }

    private static void Fill(Array array)
    {
        var span = System.Runtime.InteropServices.MemoryMarshal.CreateSpan(
            ref System.Runtime.CompilerServices.Unsafe.As<byte, double>(ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(array)),
            array.Length);
        span.Fill(-1);
    }

    private EvalImg? EvaluateImg(List<CocoGroundTruth> gt, List<(CocoDetection D, long Id)> dtAll, CocoAreaRange aRng, int maxDet)
    {
        if (gt.Count == 0 && dtAll.Count == 0)
        {
            return null;
        }
        // computeIoU: dt sorted (stable) and cut at maxDets[-1], ious[d, g] in the original gt order.
        var dtForIou = dtAll.OrderBy(x => -x.D.Score).Take(p.MaxDetections[^1]).ToList();
        var ious = new double[dtForIou.Count, gt.Count];
        for (var d = 0; d < dtForIou.Count; d++)
        {
            for (var g = 0; g < gt.Count; g++)
            {
                ious[d, g] = BbIou(dtForIou[d].D, gt[g]);
            }
        }
        var ignore = gt.Select(g => g.IsCrowd || g.Area < aRng.Min || g.Area > aRng.Max).ToArray();
        var gtind = Enumerable.Range(0, gt.Count).OrderBy(g => ignore[g] ? 1 : 0).ToArray();
        var gs = gtind.Select(g => gt[g]).ToArray();
        var dt = dtAll.OrderBy(x => -x.D.Score).Take(maxDet).ToList();
        int T = p.IouThresholds.Count, G = gs.Length, D = dt.Count;
        var gtm = new long[T, G];
        var dtm = new long[T, D];
        var gtIg = gtind.Select(g => ignore[g]).ToArray();
        var dtIg = new bool[T, D];
        if (D > 0 && G > 0)
        {
            for (var t = 0; t < T; t++)
            {
                for (var d = 0; d < D; d++)
                {
                    var iou = Math.Min(p.IouThresholds[t], 1 - 1e-10);
                    var m = -1;
                    for (var g = 0; g < G; g++)
                    {
                        if (gtm[t, g] > 0 && !gs[g].IsCrowd)
                        {
                            continue;
                        }
                        if (m > -1 && !gtIg[m] && gtIg[g])
                        {
                            break;
                        }
                        if (ious[d, gtind[g]] < iou)
                        {
                            continue;
                        }
                        iou = ious[d, gtind[g]];
                        m = g;
                    }
                    if (m == -1)
                    {
                        continue;
                    }
                    dtIg[t, d] = gtIg[m];
                    dtm[t, d] = gs[m].Id;
                    gtm[t, m] = dt[d].Id;
                }
            }
        }
        for (var t = 0; t < T; t++)
        {
            for (var d = 0; d < D; d++)
            {
                var area = dt[d].D.Width * dt[d].D.Height;
                dtIg[t, d] |= dtm[t, d] == 0 && (area < aRng.Min || area > aRng.Max);
            }
        }
        return new EvalImg([.. dt.Select(x => x.D.Score)], dtm, dtIg, gtIg);
    }

    private static double BbIou(CocoDetection d, CocoGroundTruth g)
    {
        var da = d.Width * d.Height;
        var ga = g.Width * g.Height;
        var w = Math.Min(d.Width + d.X, g.Width + g.X) - Math.Max(d.X, g.X);
        if (w <= 0)
        {
            return 0;
        }
        var h = Math.Min(d.Height + d.Y, g.Height + g.Y) - Math.Max(d.Y, g.Y);
        if (h <= 0)
        {
            return 0;
        }
        var i = w * h;
        return i / (g.IsCrowd ? da : da + ga - i);
    }

    private void Accumulate(EvalImg?[,,] evalImgs, int k, int a, int m, int imageCount)
    {
        var maxDet = p.MaxDetections[m];
        var E = Enumerable.Range(0, imageCount).Select(i => evalImgs[k, a, i]).Where(e => e is not null).Select(e => e!).ToList();
        if (E.Count == 0)
        {
            return;
        }
        var entries = E.SelectMany(e => Enumerable.Range(0, Math.Min(maxDet, e.DtScores.Length)).Select(d => (E: e, D: d))).ToList();
        var inds = Enumerable.Range(0, entries.Count).OrderBy(j => -entries[j].E.DtScores[entries[j].D]).ToArray();
        var npig = E.Sum(e => e.GtIgnore.Count(x => !x));
        if (npig == 0)
        {
            return;
        }
        for (var t = 0; t < p.IouThresholds.Count; t++)
        {
            var nd = inds.Length;
            var rc = new double[nd];
            var pr = new double[nd];
            double tp = 0, fp = 0;
            for (var n = 0; n < nd; n++)
            {
                var (e, d) = entries[inds[n]];
                var matched = e.DtMatches[t, d] != 0;
                var ignored = e.DtIgnore[t, d];
                tp += matched && !ignored ? 1 : 0;
                fp += !matched && !ignored ? 1 : 0;
                rc[n] = tp / npig;
                pr[n] = tp / (fp + tp + 2.220446049250313e-16);
            }
            Recall[t, k, a, m] = nd > 0 ? rc[nd - 1] : 0;
            for (var i = nd - 1; i > 0; i--)
            {
                if (pr[i] > pr[i - 1])
                {
                    pr[i - 1] = pr[i];
                }
            }
            var q = new double[p.RecallThresholds.Count];
            for (var r = 0; r < q.Length; r++)
            {
                // np.searchsorted(rc, thr, side="left")
                int lo = 0, hi = nd;
                while (lo < hi)
                {
                    var mid = (lo + hi) / 2;
                    if (rc[mid] < p.RecallThresholds[r])
                    {
                        lo = mid + 1;
                    }
                    else
                    {
                        hi = mid;
                    }
                }
                if (lo >= nd)
                {
                    break; // IndexError → the rest stays 0
                }
                q[r] = pr[lo];
            }
            for (var r = 0; r < q.Length; r++)
            {
                Precision[t, r, k, a, m] = q[r];
            }
        }
    }
}
