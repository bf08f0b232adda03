namespace YoloX.Training.Evaluation;

/// <summary>A category as the COCO evaluator sees it: the dataset's (possibly non-contiguous) id and its name.</summary>
/// <param name="Id">Category id as written in the annotation file (COCO: 1..90 with gaps).</param>
/// <param name="Name">Human-readable class name.</param>
public readonly record struct CocoCategory(long Id, string Name);

/// <summary>
/// One ground-truth box for COCO bbox evaluation, in the COCO layout (top-left corner plus size, pixels, double precision
/// so that values read from a JSON file are used bit for bit).
/// </summary>
/// <param name="Id">Annotation id (only used for diagnostics).</param>
/// <param name="ImageId">The image the box belongs to.</param>
/// <param name="CategoryId">The category id (not the contiguous class index).</param>
/// <param name="X">Left edge.</param>
/// <param name="Y">Top edge.</param>
/// <param name="Width">Box width.</param>
/// <param name="Height">Box height.</param>
/// <param name="Area">The annotation's <c>area</c> field; COCO uses it (not width × height) to pick the area range.</param>
/// <param name="IsCrowd">Crowd region: never counted as a miss, and detections inside it are ignored.</param>
/// <param name="Ignore">
/// Extra ignore flag (e.g. VOC <c>difficult</c>). pycocotools overwrites the JSON's own <c>ignore</c> field with
/// <c>iscrowd</c>, so COCO readers leave this false to stay exact.
/// </param>
public readonly record struct CocoGroundTruth(
    long Id, long ImageId, long CategoryId, double X, double Y, double Width, double Height, double Area,
    bool IsCrowd = false, bool Ignore = false);

/// <summary>One detection in COCO results layout (top-left corner plus size, pixels).</summary>
/// <param name="ImageId">The image the detection was made on.</param>
/// <param name="CategoryId">The category id (not the contiguous class index).</param>
/// <param name="X">Left edge.</param>
/// <param name="Y">Top edge.</param>
/// <param name="Width">Box width.</param>
/// <param name="Height">Box height.</param>
/// <param name="Score">Confidence; detections are ranked by it.</param>
public readonly record struct CocoDetection(
    long ImageId, long CategoryId, double X, double Y, double Width, double Height, double Score)
{
    /// <summary>The area COCO uses for a detection: width × height (as pycocotools' <c>loadRes</c> computes it).</summary>
    public double Area => Width * Height;
}

/// <summary>An area range of the COCO protocol; a box is inside when <c>Min ≤ area ≤ Max</c> (both ends inclusive).</summary>
/// <param name="Label">Name printed in the summary: all, small, medium, large.</param>
/// <param name="Min">Lower bound in square pixels.</param>
/// <param name="Max">Upper bound in square pixels.</param>
public readonly record struct CocoAreaRange(string Label, double Min, double Max)
{
    /// <summary>True when the area lies outside the range (what pycocotools calls "ignore by area").</summary>
    public bool Excludes(double area) => area < Min || area > Max;
}
