using Xunit;
using YoloX.Inference;
using YoloX.Testing;
using YoloX.Training.Data;
using YoloX.Training.Evaluation;

namespace YoloX.Training.Tests.Evaluation;

public sealed class VocAndPipelineTests
{
    private static DetectionDataset OneImage(params DatasetAnnotation[] annotations) =>
        new(["cell"], [new DatasetImage(1, "a.jpg", 640, 480)], annotations, format: DatasetFormat.Voc);

    private static VocEvaluator.Entry Det(double x, double y, double score) => new(1, 0, new BoxXywh(x, y, 40, 40), score);

    [Fact]
    public void Voc_AP_skips_difficult_hits_and_counts_duplicates_as_false_positives()
    {
        var ds = OneImage(
            new DatasetAnnotation(1, 1, 0, new BoxXywh(10, 10, 40, 40), 1600),
            new DatasetAnnotation(2, 1, 0, new BoxXywh(100, 10, 40, 40), 1600),
            new DatasetAnnotation(3, 1, 0, new BoxXywh(200, 10, 40, 40), 1600, Difficult: true));
        // FP, A, A again, difficult C, B → recall [0,.5,.5,.5,1], precision [0,.5,1/3,1/3,.5].
        // Envelope is 0.5 everywhere: area AP = 0.5·0.5 + 0.5·0.5 = 0.5 and 11-point AP = 0.5.
        var dets = new[] { Det(400, 400, 0.95), Det(10, 10, 0.9), Det(11, 10, 0.8), Det(200, 10, 0.7), Det(100, 10, 0.6) };
        var area = VocEvaluator.Evaluate(ds, dets);
        Assert.Equal(0.5, area.MeanAP, 12);
        Assert.Equal(2, area.PerClass[0].Positives);
        Assert.Equal(0.5, VocEvaluator.Evaluate(ds, dets, use07Metric: true).MeanAP, 12);
    }

    [Fact]
    public void Voc_eleven_point_and_area_methods_differ_as_published()
    {
        // recall [0.5, 1] at precision [1, 0.5]: area = 0.5·1 + 0.5·0.5 = 0.75; 11-pt = (6·1 + 5·0.5)/11.
        Assert.Equal(0.75, VocEvaluator.AreaAP([0.5, 1.0], [1.0, 0.5]), 12);
        Assert.Equal((6 + 2.5) / 11, VocEvaluator.ElevenPointAP([0.5, 1.0], [1.0, 0.5]), 12);
    }

    [Fact]
    public void Pipeline_with_a_detector_that_returns_the_ground_truth_scores_AP_1_on_coco128()
    {
        var ds = CocoJsonReader.Read(SharedAssets.Asset("datasets/coco128/annotations/instances_train2017.json"));
        var byPath = ds.Images.ToDictionary(i => i.FilePath);
        var reports = 0;
        var dets = DatasetEvaluation.Detect(ds, path => Oracle(ds, byPath[path]),
            new SynchronousProgress(() => reports++));
        Assert.Equal(ds.Images.Count, reports);
        Assert.Equal(929, dets.Count);
        var stats = DatasetEvaluation.EvaluateCoco(ds, dets).Statistics;
        Assert.Equal(1.0, stats.AP, 6);
        Assert.Equal(1.0, stats.AR100, 6);
    }

    private static IReadOnlyList<Detection> Oracle(DetectionDataset ds, DatasetImage image) =>
        [.. ds.AnnotationsOf(image.Id).Where(a => !a.IsCrowd).Select(a => new Detection(
            new BoundingBox((float)a.Box.X, (float)a.Box.Y, (float)a.Box.X2, (float)a.Box.Y2), 0.9f, a.ClassId,
            ds.ClassNames[a.ClassId]))];

    private sealed class SynchronousProgress(Action onReport) : IProgress<EvaluationProgress>
    {
        public void Report(EvaluationProgress value) => onReport();
    }
}
