using System.Globalization;
using System.Text;

namespace YoloX.Training.Data;

/// <summary>What a validation found: every issue plus a summary of the data.</summary>
/// <param name="Issues">Problems, reading issues first, then per image and annotation.</param>
/// <param name="ImageCount">Images.</param>
/// <param name="AnnotationCount">Annotations (boxes).</param>
/// <param name="BoxesPerClass">Boxes per class name, in class order.</param>
/// <param name="EmptyImageCount">Images without any annotation.</param>
/// <param name="CrowdCount">Crowd annotations.</param>
/// <param name="DifficultCount">VOC difficult annotations.</param>
public sealed record DatasetReport(
    IReadOnlyList<DatasetIssue> Issues, int ImageCount, int AnnotationCount,
    IReadOnlyList<KeyValuePair<string, int>> BoxesPerClass, int EmptyImageCount, int CrowdCount, int DifficultCount)
{
    /// <summary>Number of errors.</summary>
    public int ErrorCount => Issues.Count(i => i.Severity == IssueSeverity.Error);

    /// <summary>Number of warnings.</summary>
    public int WarningCount => Issues.Count(i => i.Severity == IssueSeverity.Warning);

    /// <summary>True when no error was found.</summary>
    public bool IsValid => ErrorCount == 0;

    /// <summary>Human-readable report: each issue on a line, then the summary.</summary>
    public string Format()
    {
        var b = new StringBuilder();
        foreach (var issue in Issues)
        {
            b.Append(issue).Append('\n');
        }
        b.Append(CultureInfo.InvariantCulture, $"images: {ImageCount} ({EmptyImageCount} without annotations)\n");
        b.Append(CultureInfo.InvariantCulture, $"boxes: {AnnotationCount} ({CrowdCount} crowd, {DifficultCount} difficult)\n");
        var width = BoxesPerClass.Count == 0 ? 5 : BoxesPerClass.Max(p => p.Key.Length);
        foreach (var (name, count) in BoxesPerClass)
        {
            b.Append(CultureInfo.InvariantCulture, $"  {name.PadRight(width)}  {count,7}\n");
        }
        b.Append(CultureInfo.InvariantCulture, $"{ErrorCount} error(s), {WarningCount} warning(s)\n");
        return b.ToString();
    }
}

/// <summary>
/// Checks a dataset: missing or unreadable images, image size mismatches, unknown classes, zero-size boxes, boxes outside
/// the image, duplicate ids and file names; plus the problems the reader met (lenient reading).
/// </summary>
public static class DatasetValidator
{
    /// <summary>Reads with <see cref="DatasetReadOptions.Lenient"/> and validates, so every problem is reported.</summary>
    public static DatasetReport Check(
        string path, DatasetFormat format, DatasetReadOptions? options = null, IProgress<(int Done, int Total)>? progress = null)
    {
        options = (options ?? new DatasetReadOptions()) with { Lenient = true };
        var dataset = DatasetIO.Read(path, format, options);
        return Validate(dataset, checkImages: true, progress);
    }

    /// <summary>Validates a dataset in memory.</summary>
    /// <param name="dataset">The dataset.</param>
    /// <param name="checkImages">Open every image header (existence, readability, declared size).</param>
    /// <param name="progress">Reports images checked out of all images.</param>
    public static DatasetReport Validate(
        DetectionDataset dataset, bool checkImages = true, IProgress<(int Done, int Total)>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var issues = new List<DatasetIssue>(dataset.Issues);
        var images = new Dictionary<long, DatasetImage>();
        var paths = new HashSet<string>(StringComparer.Ordinal);
        var checkedCount = 0;
        foreach (var image in dataset.Images)
        {
            if (!images.TryAdd(image.Id, image))
            {
                issues.Add(new DatasetIssue(IssueSeverity.Error, "duplicate-id", $"image id {image.Id} is used more than once", image.Source));
            }
            if (!paths.Add(image.FilePath))
            {
                issues.Add(new DatasetIssue(IssueSeverity.Warning, "duplicate-file", $"image file {image.FileName} is listed more than once", image.Source));
            }
            if (checkImages)
            {
                CheckImage(image, issues);
            }
            progress?.Report((++checkedCount, dataset.Images.Count));
        }

        var annotationIds = new HashSet<long>();
        var perClass = new int[dataset.ClassNames.Count];
        int crowd = 0, difficult = 0;
        foreach (var a in dataset.Annotations)
        {
            if (!annotationIds.Add(a.Id))
            {
                issues.Add(new DatasetIssue(IssueSeverity.Error, "duplicate-id", $"annotation id {a.Id} is used more than once", a.Source));
            }
            if (a.ClassId < 0 || a.ClassId >= perClass.Length)
            {
                issues.Add(new DatasetIssue(IssueSeverity.Error, "unknown-class", $"annotation {a.Id} has class {a.ClassId}", a.Source));
                continue;
            }
            perClass[a.ClassId]++;
            crowd += a.IsCrowd ? 1 : 0;
            difficult += a.Difficult ? 1 : 0;
            CheckBox(a, images.GetValueOrDefault(a.ImageId), dataset.ClassNames[a.ClassId], issues);
        }

        var empty = dataset.Images.Count(i => dataset.AnnotationsOf(i.Id).Count == 0);
        return new DatasetReport(
            issues, dataset.Images.Count, dataset.Annotations.Count,
            [.. dataset.ClassNames.Select((n, k) => new KeyValuePair<string, int>(n, perClass[k]))],
            empty, crowd, difficult);
    }

    private static void CheckImage(DatasetImage image, List<DatasetIssue> issues)
    {
        var at = image.Source ?? new SourceLocation(image.FilePath);
        if (!File.Exists(image.FilePath))
        {
            issues.Add(new DatasetIssue(IssueSeverity.Error, "missing-image", $"image file not found: {image.FilePath}", at));
            return;
        }
        if (!ImageHeader.TryRead(image.FilePath, out var w, out var h, out var error))
        {
            issues.Add(new DatasetIssue(IssueSeverity.Error, "unreadable-image", $"{image.FileName}: {error}", at));
            return;
        }
        if (w != image.Width || h != image.Height)
        {
            issues.Add(new DatasetIssue(IssueSeverity.Warning, "size-mismatch",
                $"{image.FileName} is {w}×{h} but the annotations say {image.Width}×{image.Height}", at));
        }
    }

    private static void CheckBox(DatasetAnnotation a, DatasetImage? image, string className, List<DatasetIssue> issues)
    {
        var b = a.Box;
        var describe = string.Create(CultureInfo.InvariantCulture, $"'{className}' box [{b.X:0.###}, {b.Y:0.###}, {b.X2:0.###}, {b.Y2:0.###}] (x1, y1, x2, y2; 0-based px)");
        if (image is null)
        {
            issues.Add(new DatasetIssue(IssueSeverity.Error, "unknown-image", $"annotation {a.Id} refers to missing image {a.ImageId}", a.Source));
            return;
        }
        if (b.Width <= 0 || b.Height <= 0)
        {
            issues.Add(new DatasetIssue(IssueSeverity.Error, "zero-size-box",
                $"{describe} in {image.FileName} has zero width or height", a.Source));
            return;
        }
        // A hundredth of a pixel of slack absorbs the rounding of normalised YOLO coordinates (6 decimals).
        const double slack = 0.01;
        if (image.Width > 0 && image.Height > 0 &&
            (b.X < -slack || b.Y < -slack || b.X2 > image.Width + slack || b.Y2 > image.Height + slack))
        {
            var outside = b.X >= image.Width || b.Y >= image.Height || b.X2 <= 0 || b.Y2 <= 0;
            issues.Add(new DatasetIssue(outside ? IssueSeverity.Error : IssueSeverity.Warning,
                outside ? "box-outside-image" : "box-exceeds-image",
                $"{describe} {(outside ? "lies outside" : "extends beyond")} the {image.Width}×{image.Height} image {image.FileName}",
                a.Source));
        }
    }
}
