namespace YoloX.Training.Engine;

/// <summary>The result of evaluating the (EMA) model after an epoch.</summary>
/// <param name="Epoch">0-based epoch just finished.</param>
/// <param name="CocoStatistics">The 12 COCO statistics (AP, AP50, AP75, APs, APm, APl, AR1, AR10, AR100, ARs, ARm, ARl).</param>
/// <param name="VocMap50">VOC mAP50 (area method) when the data is VOC, else <c>null</c>.</param>
/// <param name="Improved">True when AP50:95 beat every earlier evaluation.</param>
public sealed record TrainingEvaluation(int Epoch, IReadOnlyList<double> CocoStatistics, double? VocMap50, bool Improved)
{
    /// <summary>COCO AP50:95.</summary>
    public double Ap50To95 => CocoStatistics[0];

    /// <summary>COCO AP50.</summary>
    public double Ap50 => CocoStatistics[1];
}
