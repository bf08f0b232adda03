using YoloX.Core;

namespace YoloX.Training.Engine;

/// <summary>Evaluates a model during training without taking ownership of it or changing it (no fusing).</summary>
public interface ITrainingEvaluator
{
    /// <summary>Evaluates <paramref name="model"/>: the 12 COCO statistics, plus VOC mAP50 when the data is VOC.</summary>
    (IReadOnlyList<double> CocoStatistics, double? VocMap50) Evaluate(YoloXModel model, CancellationToken cancellationToken);
}
