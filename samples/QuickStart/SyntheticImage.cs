using SkiaSharp;
using YoloX.Training.Augmentation;

namespace QuickStart;

/// <summary>One drawn image with its boxes (pixels of the image, corners, class id).</summary>
/// <param name="Bitmap">The BGRA pixels (owned by the caller).</param>
/// <param name="Boxes">The shapes' tight boxes.</param>
public sealed record SyntheticImage(SKBitmap Bitmap, LabeledBox[] Boxes);
