namespace YoloX.Training.Augmentation;

/// <summary>
/// The dataset as Mosaic and MixUp see it (the official dataset's <c>pull_item</c> and <c>load_anno</c>): images
/// letterbox-resized to fit the input size (not padded), with their boxes scaled alike. Must be thread-safe.
/// </summary>
public interface IDetectionSampleSource
{
    /// <summary>How many images the dataset has.</summary>
    int Count { get; }

    /// <summary>
    /// The image at <paramref name="index"/> resized by <c>r = min(H / h, W / w)</c> to <c>(int(w·r), int(h·r))</c>
    /// with OpenCV's INTER_LINEAR, and its boxes × r. The caller may modify the returned image (it is a copy).
    /// </summary>
    LabeledImage Load(int index);

    /// <summary>Whether the image has at least one box (MixUp redraws its partner until one has).</summary>
    bool HasBoxes(int index);
}
