using YoloX.Inference;
using YoloX.Training.Data;

namespace YoloX.Training.Evaluation;

/// <summary>Progress of running a detector over a dataset.</summary>
/// <param name="Done">Images processed.</param>
/// <param name="Total">Images in the dataset.</param>
/// <param name="Current">The image just processed.</param>
public readonly record struct EvaluationProgress(int Done, int Total, string Current);

/// <summary>
/// The evaluation pipeline: dataset → detections (any detector given as a function of the image path) → COCO or VOC
/// metrics. The detector is a plain function so that the pipeline does not depend on how it is built.
/// </summary>
public static class DatasetEvaluation
{
    /// <summary>Runs the detector on every image and converts its output to COCO results (category ids of the dataset).</summary>
    /// <param name="dataset">The dataset; detection class <c>i</c> maps to the dataset's class <c>i</c>.</param>
    /// <param name="detect">Detector: image path → detections in original image pixels.</param>
    /// <param name="progress">Reports each image.</param>
    /// <param name="cancellationToken">Stops between images.</param>
    public static IReadOnlyList<CocoDetection> Detect(
        DetectionDataset dataset, Func<string, IReadOnlyList<Detection>> detect,
        IProgress<EvaluationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(detect);
        var results = new List<CocoDetection>();
        var done = 0;
        foreach (var image in dataset.Images)
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var d in detect(image.FilePath))
            {
                if (d.ClassId < 0 || d.ClassId >= dataset.ClassNames.Count)
                {
                    continue; // a class the dataset does not have
                }
                results.Add(ToCoco(image.Id, dataset.CategoryIds[d.ClassId], d));
            }
            progress?.Report(new EvaluationProgress(++done, dataset.Images.Count, image.FilePath));
        }
        return results;
    }

    /// <summary>
    /// One detection in COCO layout. Width and height are computed in single precision, as YOLOX's evaluator does
    /// (<c>xyxy2xywh</c> on float32 tensors), then widened.
    /// </summary>
    public static CocoDetection ToCoco(long imageId, long categoryId, Detection detection)
    {
        ArgumentNullException.ThrowIfNull(detection);
        var b = detection.Box;
        float w = b.X2 - b.X1, h = b.Y2 - b.Y1;
        return new CocoDetection(imageId, categoryId, b.X1, b.Y1, w, h, detection.Score);
    }

    /// <summary>COCO evaluation of detections against the dataset.</summary>
    public static CocoEvaluationResult EvaluateCoco(
        DetectionDataset dataset, IReadOnlyList<CocoDetection> detections, CocoEvaluationParameters? parameters = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return new CocoEvaluator(parameters).Evaluate(
            [.. dataset.Images.Select(i => i.Id)], dataset.ToCocoCategories(),
            dataset.ToCocoGroundTruth(difficultAsIgnore: dataset.Format == DatasetFormat.Voc), detections,
            cancellationToken);
    }

    /// <summary>VOC mAP of detections (given in COCO layout with the dataset's category ids).</summary>
    public static VocEvaluationResult EvaluateVoc(
        DetectionDataset dataset, IReadOnlyList<CocoDetection> detections, double iouThreshold = 0.5, bool use07Metric = false)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(detections);
        var classOf = dataset.CategoryIds.Select((id, k) => (id, k)).ToDictionary(p => p.id, p => p.k);
        var entries = detections
            .Where(d => classOf.ContainsKey(d.CategoryId))
            .Select(d => new VocEvaluator.Entry(d.ImageId, classOf[d.CategoryId], new BoxXywh(d.X, d.Y, d.Width, d.Height), d.Score))
            .ToArray();
        return VocEvaluator.Evaluate(dataset, entries, iouThreshold, use07Metric);
    }
}
