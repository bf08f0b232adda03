using Xunit;
using YoloX.Training.Evaluation;

namespace YoloX.Training.Tests.Evaluation;

/// <summary>Small cases whose COCOeval results were worked out by hand.</summary>
public sealed class CocoEvaluatorEdgeCaseTests
{
    private static readonly CocoCategory[] TwoClasses = [new(1, "a"), new(2, "b")];

    private static CocoGroundTruth Gt(long id, long image, long cat, double x, double y, double w, double h, bool crowd = false) =>
        new(id, image, cat, x, y, w, h, w * h, crowd);

    private static CocoDetection Dt(long image, long cat, double x, double y, double w, double h, double score) =>
        new(image, cat, x, y, w, h, score);

    private static CocoEvaluationResult Evaluate(CocoGroundTruth[] gts, CocoDetection[] dts, long[]? images = null) =>
        new CocoEvaluator().Evaluate(images ?? [1], TwoClasses, gts, dts);

    [Fact]
    public void No_detections_give_zero_AP_and_AR_and_minus_one_for_empty_area_ranges()
    {
        var s = Evaluate([Gt(1, 1, 1, 10, 10, 50, 50)], []).Statistics; // area 2500: medium
        Assert.Equal(0, s.AP);
        Assert.Equal(0, s.AP50);
        Assert.Equal(-1, s.APSmall);
        Assert.Equal(0, s.APMedium);
        Assert.Equal(-1, s.APLarge);
        Assert.Equal(0, s.AR100);
        Assert.Equal(-1, s.ARLarge);
    }

    [Fact]
    public void Class_without_ground_truth_is_left_out_of_the_mean_and_has_NaN_AP()
    {
        var result = Evaluate(
            [Gt(1, 1, 1, 10, 10, 50, 50)],
            [Dt(1, 1, 10, 10, 50, 50, 0.9), Dt(1, 2, 100, 100, 20, 20, 0.95), Dt(1, 2, 10, 10, 50, 50, 0.99)]);
        Assert.Equal(1.0, result.Statistics.AP, 12);
        Assert.Equal(1.0, result.Statistics.AR100, 12);
        Assert.Equal(1.0, result.PerClass[0].AP, 12);
        Assert.True(double.IsNaN(result.PerClass[1].AP));
        Assert.True(double.IsNaN(result.PerClass[1].AR));
        Assert.Equal(-1, result.Precision(0, 0, 1, 0, 2));
    }

    [Fact]
    public void Only_crowd_ground_truth_makes_every_statistic_minus_one()
    {
        var s = Evaluate(
            [Gt(1, 1, 1, 0, 0, 400, 200, crowd: true)],
            [Dt(1, 1, 10, 10, 50, 50, 0.9), Dt(1, 1, 100, 20, 60, 60, 0.8)]).Statistics;
        Assert.All(s.ToArray(), v => Assert.Equal(-1, v));
    }

    [Fact]
    public void Detections_inside_a_crowd_region_are_ignored_not_false_positives()
    {
        // One real object found at rank 2; rank 1 lies inside a crowd box (IoU = inter / det area = 1) and is ignored.
        var s = Evaluate(
            [Gt(1, 1, 1, 500, 300, 50, 50), Gt(2, 1, 1, 0, 0, 400, 200, crowd: true)],
            [Dt(1, 1, 10, 10, 20, 20, 0.9), Dt(1, 1, 500, 300, 50, 50, 0.8)]).Statistics;
        Assert.Equal(1.0, s.AP, 12);
    }

    [Fact]
    public void Duplicate_detection_is_a_false_positive_after_the_first_match()
    {
        // Ranked: TP(g1), duplicate of g1 (FP), TP(g2) → rc [.5,.5,1], interpolated pr [1, 2/3, 2/3]:
        // 51 recall points (0.00–0.50) at precision 1 and 50 points (0.51–1.00) at 2/3.
        var s = Evaluate(
            [Gt(1, 1, 1, 10, 10, 50, 50), Gt(2, 1, 1, 200, 200, 50, 50)],
            [Dt(1, 1, 10, 10, 50, 50, 0.9), Dt(1, 1, 10, 10, 50, 50, 0.8), Dt(1, 1, 200, 200, 50, 50, 0.7)]).Statistics;
        var expected = (51 * 1.0 + 50 * (2.0 / 3.0)) / 101;
        Assert.Equal(expected, s.AP, 12);
        Assert.Equal(1.0, s.AR100, 12);
        Assert.Equal(0.5, s.AR1, 12);
    }

    [Fact]
    public void Only_the_100_best_detections_per_image_count()
    {
        var gt = Gt(1, 1, 1, 10, 10, 50, 50);
        var misses = Enumerable.Range(0, 100)
            .Select(i => Dt(1, 1, 300 + i, 300, 20, 20, 0.9 - i * 0.001)).ToArray();

        // The hit ranks 101st: cut away, so nothing is found.
        var cut = Evaluate([gt], [.. misses, Dt(1, 1, 10, 10, 50, 50, 0.1)]).Statistics;
        Assert.Equal(0, cut.AP);
        Assert.Equal(0, cut.AR100);

        // The hit ranks 100th: precision 1/100 at every recall point.
        var kept = Evaluate([gt], [.. misses[..99], Dt(1, 1, 10, 10, 50, 50, 0.1)]).Statistics;
        Assert.Equal(0.01, kept.AP, 12);
        Assert.Equal(1.0, kept.AR100, 12);
        Assert.Equal(0, kept.AR10);
    }

    [Fact]
    public void Area_exactly_32_squared_counts_as_small_and_medium_like_pycocotools()
    {
        var s = Evaluate([Gt(1, 1, 1, 10, 10, 32, 32)], [Dt(1, 1, 10, 10, 32, 32, 0.5)]).Statistics;
        Assert.Equal(1.0, s.APSmall, 12);
        Assert.Equal(1.0, s.APMedium, 12);
        Assert.Equal(-1, s.APLarge);
    }

    [Fact]
    public void IoU_exactly_at_the_threshold_is_a_match()
    {
        // Half of a 100×100 box: IoU = 5000 / 10000 = 0.5 exactly → a hit at 0.50 only, so AP = 1/10, AP50 = 1.
        var s = Evaluate([Gt(1, 1, 1, 0, 0, 100, 100)], [Dt(1, 1, 0, 0, 50, 100, 0.9)]).Statistics;
        Assert.Equal(1.0, s.AP50, 12);
        Assert.Equal(0.1, s.AP, 12);
        Assert.Equal(0, s.AP75);
    }

    [Fact]
    public void Equal_scores_keep_input_order_like_numpy_mergesort()
    {
        // Same score: the FP listed first ranks first, so the TP sits at rank 2 → precision 1/2 everywhere.
        var s = Evaluate(
            [Gt(1, 1, 1, 10, 10, 50, 50)],
            [Dt(1, 1, 300, 300, 50, 50, 0.5), Dt(1, 1, 10, 10, 50, 50, 0.5)]).Statistics;
        Assert.Equal(0.5, s.AP, 12);
    }

    [Fact]
    public void Detection_on_unknown_image_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => Evaluate([Gt(1, 1, 1, 10, 10, 50, 50)], [Dt(7, 1, 0, 0, 5, 5, 0.5)]));
    }
}
