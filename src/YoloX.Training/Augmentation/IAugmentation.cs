namespace YoloX.Training.Augmentation;

/// <summary>
/// One augmentation step: takes a labelled image and returns the augmented one, drawing its randomness only from
/// <see cref="AugmentationContext.Random"/>. Implement it to add your own step to the pipeline.
/// </summary>
public interface IAugmentation
{
    /// <summary>Applies the step. It may modify <paramref name="sample"/>'s image in place and return it.</summary>
    LabeledImage Apply(LabeledImage sample, AugmentationContext context);
}
