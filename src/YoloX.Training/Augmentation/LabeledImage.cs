namespace YoloX.Training.Augmentation;

/// <summary>An image with its boxes, the unit every <see cref="IAugmentation"/> transforms.</summary>
/// <param name="Image">The BGR pixels.</param>
/// <param name="Boxes">The boxes in pixels of <paramref name="Image"/> (may be empty: a negative image).</param>
public sealed record LabeledImage(BgrImage Image, LabeledBox[] Boxes);
