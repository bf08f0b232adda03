namespace YoloX.Training.Augmentation;

/// <summary>
/// The last step of the training pipeline: colour and flip jitter, the letterbox to the input size and the padded
/// label rows (the official <see cref="TrainTransform"/>, or MindYOLO's chain, <see cref="MindYoloTransform"/>).
/// </summary>
public interface ITrainTransform
{
    /// <summary>Label rows per finished sample.</summary>
    int MaxLabels { get; }

    /// <summary>Transforms <paramref name="sample"/> (its image may be modified) into a finished training sample.</summary>
    TrainSample Apply(LabeledImage sample, AugmentationContext context);
}
