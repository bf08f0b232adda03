namespace YoloX.Training.Augmentation;

/// <summary>What an augmentation may use besides its input: the sample's random stream, the dataset and the input size.</summary>
/// <param name="Random">The sample's random source; every draw must come from it, in the official order.</param>
/// <param name="Samples">The dataset, for augmentations that combine images (Mosaic, MixUp).</param>
/// <param name="InputSize">(height, width) the pipeline produces.</param>
public sealed record AugmentationContext(IRandomSource Random, IDetectionSampleSource? Samples, (int Height, int Width) InputSize);
