using YoloX.Training.Evaluation;

namespace YoloX.Training.Data;

/// <summary>The on-disk annotation formats the readers and writers understand.</summary>
public enum DatasetFormat
{
    /// <summary>COCO instances JSON (<c>images</c>, <c>annotations</c>, <c>categories</c>).</summary>
    Coco,

    /// <summary>PASCAL VOC: one XML per image under <c>Annotations/</c>, images under <c>JPEGImages/</c>.</summary>
    Voc,

    /// <summary>YOLO txt: one <c>class cx cy w h</c> line per box (normalised), a label file per image.</summary>
    Yolo,
}

/// <summary>Where something was read from, for diagnostics.</summary>
/// <param name="File">The file's path.</param>
/// <param name="Line">1-based line number; 0 when the whole file is meant.</param>
/// <param name="Column">1-based column (JSON: byte position in the line); 0 when unknown.</param>
public readonly record struct SourceLocation(string File, int Line = 0, int Column = 0)
{
    /// <inheritdoc />
    public override string ToString() =>
        Line <= 0 ? File : Column <= 0 ? $"{File}:{Line}" : $"{File}:{Line}:{Column}";
}

/// <summary>An axis-aligned box as top-left corner plus size, in pixels (the COCO layout; doubles keep file values exact).</summary>
/// <param name="X">Left edge.</param>
/// <param name="Y">Top edge.</param>
/// <param name="Width">Width.</param>
/// <param name="Height">Height.</param>
public readonly record struct BoxXywh(double X, double Y, double Width, double Height)
{
    /// <summary>Right edge (X + Width).</summary>
    public double X2 => X + Width;

    /// <summary>Bottom edge (Y + Height).</summary>
    public double Y2 => Y + Height;

    /// <summary>Width × Height.</summary>
    public double Area => Width * Height;

    /// <summary>Builds a box from its corners.</summary>
    public static BoxXywh FromCorners(double x1, double y1, double x2, double y2) => new(x1, y1, x2 - x1, y2 - y1);
}

/// <summary>One image of a dataset.</summary>
/// <param name="Id">Unique image id (COCO id, or 1-based position for VOC/YOLO).</param>
/// <param name="FilePath">Full path of the image file.</param>
/// <param name="Width">Width in pixels as declared by the annotations (or read from the image header).</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="Source">Where the image entry was declared.</param>
public sealed record DatasetImage(long Id, string FilePath, int Width, int Height, SourceLocation? Source = null)
{
    /// <summary>The file name with extension.</summary>
    public string FileName => Path.GetFileName(FilePath);
}

/// <summary>One annotated object.</summary>
/// <param name="Id">Unique annotation id (COCO id, or 1-based running number).</param>
/// <param name="ImageId">The image it belongs to.</param>
/// <param name="ClassId">Contiguous 0-based class index into <see cref="DetectionDataset.ClassNames"/>.</param>
/// <param name="Box">The box in pixels.</param>
/// <param name="Area">Object area used by COCO's area ranges (COCO: the file's <c>area</c>; otherwise box area).</param>
/// <param name="IsCrowd">COCO crowd region.</param>
/// <param name="Difficult">VOC <c>difficult</c> flag (ignored by VOC evaluation).</param>
/// <param name="Source">Where the annotation was read from.</param>
public sealed record DatasetAnnotation(
    long Id, long ImageId, int ClassId, BoxXywh Box, double Area, bool IsCrowd = false, bool Difficult = false,
    SourceLocation? Source = null);

/// <summary>
/// A detection dataset in memory, whatever format it came from: images, annotations with contiguous class ids,
/// class names, and the original category ids (for COCO-style evaluation output).
/// </summary>
public sealed class DetectionDataset
{
    private readonly Dictionary<long, List<DatasetAnnotation>> _byImage;

    /// <summary>Creates a dataset; <paramref name="categoryIds"/> defaults to 1..N.</summary>
    public DetectionDataset(
        IReadOnlyList<string> classNames, IReadOnlyList<DatasetImage> images, IReadOnlyList<DatasetAnnotation> annotations,
        IReadOnlyList<long>? categoryIds = null, DatasetFormat format = DatasetFormat.Coco, string? source = null,
        IReadOnlyList<DatasetIssue>? issues = null)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(annotations);
        categoryIds ??= [.. Enumerable.Range(1, classNames.Count).Select(i => (long)i)];
        if (categoryIds.Count != classNames.Count)
        {
            throw new ArgumentException("There must be one category id per class name.", nameof(categoryIds));
        }
        ClassNames = classNames;
        CategoryIds = categoryIds;
        Images = images;
        Annotations = annotations;
        Format = format;
        Source = source ?? string.Empty;
        Issues = issues ?? [];
        _byImage = [];
        foreach (var annotation in annotations)
        {
            if (!_byImage.TryGetValue(annotation.ImageId, out var list))
            {
                _byImage[annotation.ImageId] = list = [];
            }
            list.Add(annotation);
        }
    }

    /// <summary>Class names; the index is the contiguous class id.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Original category id per class (COCO ids; 1..N for formats without ids).</summary>
    public IReadOnlyList<long> CategoryIds { get; }

    /// <summary>All images, including those without annotations.</summary>
    public IReadOnlyList<DatasetImage> Images { get; }

    /// <summary>All annotations.</summary>
    public IReadOnlyList<DatasetAnnotation> Annotations { get; }

    /// <summary>The format it was read from.</summary>
    public DatasetFormat Format { get; }

    /// <summary>The path it was read from.</summary>
    public string Source { get; }

    /// <summary>Problems met while reading (lenient reading, unknown classes, dangling image ids …).</summary>
    public IReadOnlyList<DatasetIssue> Issues { get; }

    /// <summary>The annotations of one image (empty when it has none).</summary>
    public IReadOnlyList<DatasetAnnotation> AnnotationsOf(long imageId) =>
        _byImage.TryGetValue(imageId, out var list) ? list : [];

    /// <summary>
    /// A copy without boxes of zero width or height (they can never be matched or learned; BCCD has two). The
    /// original's issues are kept.
    /// </summary>
    /// <param name="removed">How many boxes were dropped.</param>
    public DetectionDataset WithoutZeroAreaBoxes(out int removed)
    {
        var kept = Annotations.Where(a => a.Box.Width > 0 && a.Box.Height > 0).ToArray();
        removed = Annotations.Count - kept.Length;
        return removed == 0 ? this : new DetectionDataset(ClassNames, Images, kept, CategoryIds, Format, Source, Issues);
    }

    /// <summary>The categories for COCO evaluation (original ids with names).</summary>
    public IReadOnlyList<CocoCategory> ToCocoCategories() =>
        [.. ClassNames.Select((name, k) => new CocoCategory(CategoryIds[k], name))];

    /// <summary>The annotations as COCO evaluation ground truth (crowd kept; VOC difficult → ignore when asked).</summary>
    /// <param name="difficultAsIgnore">Treat VOC difficult objects as ignored regions.</param>
    public IReadOnlyList<CocoGroundTruth> ToCocoGroundTruth(bool difficultAsIgnore = false) =>
        [.. Annotations.Select(a => new CocoGroundTruth(
            a.Id, a.ImageId, CategoryIds[a.ClassId], a.Box.X, a.Box.Y, a.Box.Width, a.Box.Height, a.Area,
            a.IsCrowd, difficultAsIgnore && a.Difficult))];
}
