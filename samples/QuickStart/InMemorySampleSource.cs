using YoloX.Training.Augmentation;
using YoloX.Training.Data;

namespace QuickStart;

/// <summary>
/// The drawn images as the augmentations read them. They are drawn at the input size, so no resize is needed
/// (the contract: images fitted into the input size). Thread-safe: every load hands out a copy.
/// </summary>
public sealed class InMemorySampleSource : IDetectionSampleSource
{
    private readonly BgrImage[] images;
    private readonly LabeledBox[][] boxes;

    /// <summary>Converts the drawn bitmaps to BGR once.</summary>
    public InMemorySampleSource(IReadOnlyList<SyntheticImage> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        images = [.. samples.Select(s => DatasetSampleSource.FromBitmap(s.Bitmap))];
        boxes = [.. samples.Select(s => s.Boxes)];
    }

    /// <inheritdoc />
    public int Count => images.Length;

    /// <inheritdoc />
    public bool HasBoxes(int index) => boxes[index].Length > 0;

    /// <inheritdoc />
    public LabeledImage Load(int index) => new(images[index].Clone(), (LabeledBox[])boxes[index].Clone());
}
