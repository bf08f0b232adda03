using YoloX.Training.Data;

namespace YoloX.Training.Evaluation;

/// <summary>AP of one class by the PASCAL VOC protocol.</summary>
/// <param name="ClassId">Contiguous class index.</param>
/// <param name="Name">Class name.</param>
/// <param name="AP">Average precision (0 when the class has no non-difficult object).</param>
/// <param name="Positives">Non-difficult ground-truth objects.</param>
/// <param name="Detections">Detections of the class.</param>
public sealed record VocClassResult(int ClassId, string Name, double AP, int Positives, int Detections);

/// <summary>VOC mAP at one IoU threshold.</summary>
/// <param name="IouThreshold">Overlap needed for a hit (a hit needs IoU strictly above it).</param>
/// <param name="Use07Metric">True: VOC2007 11-point interpolation; false: area under the interpolated curve (VOC2010+).</param>
/// <param name="PerClass">Per-class AP.</param>
public sealed record VocEvaluationResult(double IouThreshold, bool Use07Metric, IReadOnlyList<VocClassResult> PerClass)
{
    /// <summary>Mean of the per-class APs (as YOLOX's <c>_do_python_eval</c>: every class counts).</summary>
    public double MeanAP => PerClass.Count == 0 ? 0 : PerClass.Average(c => c.AP);
}

/// <summary>
/// PASCAL VOC detection AP as YOLOX's <c>voc_eval</c> computes it: per class, detections by descending score, a hit
/// when IoU (VOC's +1 pixel convention) exceeds the threshold with the best-overlapping object; difficult objects are
/// neither hits nor misses; a second hit on the same object is a false positive.
/// </summary>
public static class VocEvaluator
{
    /// <summary>Detections of one class on one image, by contiguous class index.</summary>
    /// <param name="ImageId">Dataset image id.</param>
    /// <param name="ClassId">Contiguous class index.</param>
    /// <param name="Box">Box in 0-based pixels.</param>
    /// <param name="Score">Confidence.</param>
    public readonly record struct Entry(long ImageId, int ClassId, BoxXywh Box, double Score);

    /// <summary>Evaluates detections against a dataset's annotations.</summary>
    /// <param name="dataset">Ground truth (difficult flags are honoured; crowd boxes are treated as difficult).</param>
    /// <param name="detections">Detections.</param>
    /// <param name="iouThreshold">Overlap threshold, 0.5 for the standard mAP50.</param>
    /// <param name="use07Metric">VOC2007 11-point AP instead of the area method.</param>
    public static VocEvaluationResult Evaluate(
        DetectionDataset dataset, IReadOnlyList<Entry> detections, double iouThreshold = 0.5, bool use07Metric = false)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(detections);
        var results = new List<VocClassResult>(dataset.ClassNames.Count);
        for (var k = 0; k < dataset.ClassNames.Count; k++)
        {
            results.Add(EvaluateClass(dataset, detections, k, iouThreshold, use07Metric));
        }
        return new VocEvaluationResult(iouThreshold, use07Metric, results);
    }

    private static VocClassResult EvaluateClass(
        DetectionDataset dataset, IReadOnlyList<Entry> detections, int k, double threshold, bool use07)
    {
        var objects = new Dictionary<long, (BoxXywh[] Boxes, bool[] Difficult, bool[] Found)>();
        var positives = 0;
        foreach (var image in dataset.Images)
        {
            var mine = dataset.AnnotationsOf(image.Id).Where(a => a.ClassId == k).ToArray();
            var difficult = mine.Select(a => a.Difficult || a.IsCrowd).ToArray();
            positives += difficult.Count(d => !d);
            objects[image.Id] = (mine.Select(a => a.Box).ToArray(), difficult, new bool[mine.Length]);
        }

        var dets = detections.Where(d => d.ClassId == k).OrderByDescending(d => d.Score).ToArray();
        var tp = new double[dets.Length];
        var fp = new double[dets.Length];
        for (var i = 0; i < dets.Length; i++)
        {
            if (!objects.TryGetValue(dets[i].ImageId, out var gt))
            {
                fp[i] = 1;
                continue;
            }
            var (best, j) = BestOverlap(dets[i].Box, gt.Boxes);
            if (best > threshold)
            {
                if (gt.Difficult[j])
                {
                    continue;
                }
                if (!gt.Found[j])
                {
                    tp[i] = 1;
                    gt.Found[j] = true;
                }
                else
                {
                    fp[i] = 1;
                }
            }
            else
            {
                fp[i] = 1;
            }
        }
        for (var i = 1; i < dets.Length; i++)
        {
            tp[i] += tp[i - 1];
            fp[i] += fp[i - 1];
        }
        var recall = tp.Select(t => t / positives).ToArray();
        var precision = tp.Select((t, i) => t / Math.Max(t + fp[i], 2.220446049250313e-16)).ToArray();
        var ap = positives == 0 ? 0 : use07 ? ElevenPointAP(recall, precision) : AreaAP(recall, precision);
        return new VocClassResult(k, dataset.ClassNames[k], ap, positives, dets.Length);
    }

    /// <summary>IoU with VOC's inclusive-pixel (+1) convention, best object and its index.</summary>
    private static (double Overlap, int Index) BestOverlap(BoxXywh d, BoxXywh[] gts)
    {
        double best = double.NegativeInfinity;
        var index = -1;
        for (var j = 0; j < gts.Length; j++)
        {
            var g = gts[j];
            var iw = Math.Max(Math.Min(d.X2, g.X2) - Math.Max(d.X, g.X) + 1, 0);
            var ih = Math.Max(Math.Min(d.Y2, g.Y2) - Math.Max(d.Y, g.Y) + 1, 0);
            var inter = iw * ih;
            var union = (d.Width + 1) * (d.Height + 1) + (g.Width + 1) * (g.Height + 1) - inter;
            var overlap = inter / union;
            if (overlap > best)
            {
                best = overlap;
                index = j;
            }
        }
        return (best, index);
    }

    /// <summary>VOC2007: mean over recall 0, 0.1, …, 1 of the best precision at recall ≥ t.</summary>
    public static double ElevenPointAP(IReadOnlyList<double> recall, IReadOnlyList<double> precision)
    {
        double ap = 0;
        for (var i = 0; i <= 10; i++)
        {
            var t = i / 10.0;
            double p = 0;
            for (var n = 0; n < recall.Count; n++)
            {
                if (recall[n] >= t && precision[n] > p)
                {
                    p = precision[n];
                }
            }
            ap += p / 11.0;
        }
        return ap;
    }

    /// <summary>VOC2010+: area under the precision envelope, summed where recall changes.</summary>
    public static double AreaAP(IReadOnlyList<double> recall, IReadOnlyList<double> precision)
    {
        var n = recall.Count;
        var mrec = new double[n + 2];
        var mpre = new double[n + 2];
        mrec[n + 1] = 1.0;
        for (var i = 0; i < n; i++)
        {
            mrec[i + 1] = recall[i];
            mpre[i + 1] = precision[i];
        }
        for (var i = mpre.Length - 1; i > 0; i--)
        {
            mpre[i - 1] = Math.Max(mpre[i - 1], mpre[i]);
        }
        double ap = 0;
        for (var i = 0; i + 1 < mrec.Length; i++)
        {
            if (mrec[i + 1] != mrec[i])
            {
                ap += (mrec[i + 1] - mrec[i]) * mpre[i + 1];
            }
        }
        return ap;
    }
}
