namespace YoloX.Training.Evaluation;

/// <summary>
/// COCO bbox evaluation that reproduces pycocotools' <c>COCOeval</c> (evaluate → accumulate → summarize) number for
/// number: the same greedy matching, crowd and ignore rules, stable score ordering, per-image detection limits and
/// 101-point interpolated precision.
/// </summary>
/// <remarks>
/// The work is organised per category, which is independent in COCOeval, so categories run in parallel.
/// Within a category, every (image, category) pair is matched once per area range at the largest max-detections
/// value (as COCOeval does), and the cumulative precision/recall curves are built from compact per-detection flags.
/// Detections ignored by the protocol are dropped from the curves; this gives exactly COCOeval's interpolated values
/// because an ignored entry repeats the precision and recall of the entry before it.
/// </remarks>
public sealed class CocoEvaluator
{
    private readonly int _maxDegreeOfParallelism;

    /// <summary>Creates an evaluator.</summary>
    /// <param name="parameters">Evaluation settings; pycocotools' defaults when null.</param>
    /// <param name="maxDegreeOfParallelism">Categories evaluated at once; -1 uses every core.</param>
    public CocoEvaluator(CocoEvaluationParameters? parameters = null, int maxDegreeOfParallelism = -1)
    {
        Parameters = parameters ?? CocoEvaluationParameters.Default;
        _maxDegreeOfParallelism = maxDegreeOfParallelism;
    }

    /// <summary>The settings in use.</summary>
    public CocoEvaluationParameters Parameters { get; }

    /// <summary>Evaluates detections against ground truth.</summary>
    /// <param name="imageIds">Every image of the ground-truth set (images without boxes count too).</param>
    /// <param name="categories">Every category of the ground-truth set.</param>
    /// <param name="groundTruths">Ground-truth boxes.</param>
    /// <param name="detections">Detections; those of categories not listed are ignored, as in pycocotools.</param>
    /// <param name="cancellationToken">Stops the evaluation between categories.</param>
    /// <exception cref="ArgumentException">A detection refers to an image that is not in <paramref name="imageIds"/>.</exception>
    public CocoEvaluationResult Evaluate(
        IReadOnlyCollection<long> imageIds, IReadOnlyCollection<CocoCategory> categories,
        IReadOnlyList<CocoGroundTruth> groundTruths, IReadOnlyList<CocoDetection> detections,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(imageIds);
        ArgumentNullException.ThrowIfNull(categories);
        ArgumentNullException.ThrowIfNull(groundTruths);
        ArgumentNullException.ThrowIfNull(detections);

        var images = imageIds.Distinct().Order().ToArray();
        var cats = categories.DistinctBy(c => c.Id).OrderBy(c => c.Id).ToArray();
        var imageIndex = new Dictionary<long, int>(images.Length);
        for (var i = 0; i < images.Length; i++)
        {
            imageIndex[images[i]] = i;
        }
        var categoryIndex = new Dictionary<long, int>(cats.Length);
        for (var k = 0; k < cats.Length; k++)
        {
            categoryIndex[cats[k].Id] = k;
        }

        // Arrays (not interface indexers) in the hot loops: the records are read by reference.
        var gtArray = groundTruths as CocoGroundTruth[] ?? [.. groundTruths];
        var dtArray = detections as CocoDetection[] ?? [.. detections];
        var gtGroups = CocoGrouping.Build(gtArray.Length, i => (gtArray[i].ImageId, gtArray[i].CategoryId),
            imageIndex, categoryIndex, images.Length, cats.Length, throwOnUnknownImage: false, "ground truth");
        var dtGroups = CocoGrouping.Build(dtArray.Length, i => (dtArray[i].ImageId, dtArray[i].CategoryId),
            imageIndex, categoryIndex, images.Length, cats.Length, throwOnUnknownImage: true, "detection");

        var accumulator = new CocoAccumulation(Parameters, cats.Length);
        var options = new ParallelOptions
        {
            MaxDegreeOfParallelism = _maxDegreeOfParallelism,
            CancellationToken = cancellationToken,
        };
        Parallel.For(0, cats.Length, options, () => new CocoWorkspace(),
            (k, _, workspace) =>
            {
                var state = new CocoCategoryEvaluation(Parameters, k, gtArray, dtArray, gtGroups, dtGroups, workspace);
                state.Run();
                accumulator.Accumulate(k, state);
                return workspace;
            },
            _ => { });

        return new CocoEvaluationResult(Parameters, cats, images.Length, accumulator.Precision, accumulator.Recall);
    }
}
