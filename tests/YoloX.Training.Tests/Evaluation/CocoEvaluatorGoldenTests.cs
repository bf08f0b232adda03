using Xunit;
using System.Text.Json;
using YoloX.Testing;
using YoloX.Training.Data;
using YoloX.Training.Evaluation;

namespace YoloX.Training.Tests.Evaluation;

public sealed class CocoEvaluatorGoldenTests
{
    // Bit-exact: same operation order as COCOeval, and numpy's pairwise summation for the means (brief: ≤ 1e-6).
    private const double Tolerance = 0;

    private static (CocoEvaluationResult Result, JsonElement Expected) EvaluateGoldenCase(int parallelism = -1)
    {
        var gt = CocoJsonReader.Read(SharedAssets.Golden("coco_case/gt.json"));
        var dets = CocoResultsFile.Read(SharedAssets.Golden("coco_case/dets.json"));
        var result = new CocoEvaluator(maxDegreeOfParallelism: parallelism).Evaluate(
            gt.Images.Select(i => i.Id).ToArray(), gt.ToCocoCategories(), gt.ToCocoGroundTruth(), dets);
        using var doc = JsonDocument.Parse(File.ReadAllText(SharedAssets.Golden("coco_case/stats.json")));
        return (result, doc.RootElement.Clone());
    }

    [Fact]
    public void Evaluate_matches_pycocotools_12_statistics_on_golden_case()
    {
        var (result, expected) = EvaluateGoldenCase();
        var want = expected.GetProperty("stats").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var got = result.Statistics.ToArray();
        Assert.Equal(12, got.Length);
        for (var i = 0; i < 12; i++)
        {
            Assert.True(Math.Abs(got[i] - want[i]) <= Tolerance, $"stats[{i}]: got {got[i]:R}, pycocotools {want[i]:R}");
        }
    }

    [Fact]
    public void Evaluate_matches_pycocotools_per_class_AP_and_AR_on_golden_case()
    {
        var (result, expected) = EvaluateGoldenCase(parallelism: 1);
        var perClass = expected.GetProperty("per_class_AP_AR_area_all_maxdet100");
        Assert.Equal(3, result.PerClass.Count);
        foreach (var c in result.PerClass)
        {
            var want = perClass.GetProperty(c.Name);
            Assert.Equal(want.GetProperty("AP").GetDouble(), c.AP, Tolerance);
            Assert.Equal(want.GetProperty("AR").GetDouble(), c.AR, Tolerance);
        }
    }

    [Fact]
    public void Default_parameters_equal_numpy_linspace_thresholds_of_pycocotools()
    {
        var (_, expected) = EvaluateGoldenCase();
        var want = expected.GetProperty("params").GetProperty("iouThrs").EnumerateArray().Select(e => e.GetDouble());
        Assert.Equal(want, CocoEvaluationParameters.Default.IouThresholds);
        Assert.Equal(101, CocoEvaluationParameters.Default.RecallThresholds.Count);
    }

    [Fact]
    public void Summary_prints_like_pycocotools_summarize()
    {
        var (result, _) = EvaluateGoldenCase();
        var expected = File.ReadAllLines(SharedAssets.Golden("coco_case/summary.txt"))
            .Where(l => l.StartsWith(" Average", StringComparison.Ordinal));
        Assert.Equal(expected, result.FormatSummary().TrimEnd('\n').Split('\n'));
    }
}
