namespace YoloX.Inference;

/// <summary>The 80 COCO class names in the contiguous order of the official YOLOX models.</summary>
public static class CocoClasses
{
    /// <summary>The names, index = class id of the model output.</summary>
    public static IReadOnlyList<string> Names => YoloX.Core.CocoCategories.Names;
}
