using Xunit.Abstractions;

namespace YoloX.Inference.Tests.Export;

/// <summary>Detections of two backends match one to one: same class, IoU ≥ 0.999, score within 1e-4.</summary>
internal static class DetectionAssert
{
    public const double MinIoU = 0.999;
    public const double ScoreTolerance = 1e-4;

    public static void Same(IReadOnlyList<Detection> expected, IReadOnlyList<Detection> actual, ITestOutputHelper? output = null)
    {
        Assert.True(expected.Count > 0, "The reference found no detections; the comparison would prove nothing.");
        Assert.Equal(expected.Count, actual.Count);
        var used = new bool[actual.Count];
        double worstIoU = 1, worstScore = 0;
        foreach (var e in expected)
        {
            Assert.True(float.IsFinite(e.Score), "Non-finite reference score.");
            var best = -1;
            var bestIoU = -1.0;
            for (var j = 0; j < actual.Count; j++)
            {
                if (used[j] || actual[j].ClassId != e.ClassId)
                {
                    continue;
                }
                var iou = IoU(e.Box, actual[j].Box);
                if (iou > bestIoU)
                {
                    (best, bestIoU) = (j, iou);
                }
            }
            Assert.True(best >= 0 && bestIoU >= MinIoU, $"No match (IoU ≥ {MinIoU}) for {e}; best IoU {bestIoU:G6}.");
            used[best] = true;
            var scoreDiff = Math.Abs(actual[best].Score - e.Score);
            Assert.True(scoreDiff <= ScoreTolerance, $"Score of {e} differs by {scoreDiff:G3}.");
            worstIoU = Math.Min(worstIoU, bestIoU);
            worstScore = Math.Max(worstScore, scoreDiff);
        }
        output?.WriteLine($"  {expected.Count} matched; worst IoU {worstIoU:G6}, worst |Δscore| {worstScore:G3}");
    }

    private static double IoU(BoundingBox a, BoundingBox b)
    {
        var w = Math.Max(0, Math.Min(a.X2, b.X2) - Math.Max(a.X1, b.X1));
        var h = Math.Max(0, Math.Min(a.Y2, b.Y2) - Math.Max(a.Y1, b.Y1));
        var inter = (double)w * h;
        var union = (double)a.Area + b.Area - inter;
        return union <= 0 ? (a == b ? 1 : 0) : inter / union;
    }
}
