using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace YoloX.Training.Data;

/// <summary>
/// Reads a PASCAL VOC dataset: <c>Annotations/*.xml</c>, <c>JPEGImages/</c>, optional <c>ImageSets/Main/&lt;split&gt;.txt</c>.
/// The path may be the VOC folder itself, a folder holding exactly one VOC folder (e.g. <c>bccd/BCCD</c>), or a plain
/// folder of XML files (images then come from <see cref="DatasetReadOptions.ImagesDirectory"/>, a sibling
/// <c>JPEGImages/</c>, or the same folder).
/// VOC pixel coordinates are 1-based: like YOLOX's <c>AnnotationTransform</c>, 1 is subtracted from every corner so
/// that boxes share the 0-based frame of the detector (the width xmax − xmin is unchanged); <c>difficult</c> is kept.
/// </summary>
public static class VocReader
{
    /// <summary>Reads the dataset.</summary>
    /// <exception cref="DatasetFormatException">Unreadable XML or a missing tag (strict reading).</exception>
    public static DetectionDataset Read(string path, DatasetReadOptions? options = null)
    {
        options ??= new DatasetReadOptions();
        var (root, annotationsDir, imagesDir) = Locate(path, options.ImagesDirectory);
        var sink = new IssueSink(options.Lenient);
        var files = ListAnnotationFiles(root, annotationsDir, options.Split, sink);
        var parsed = new List<ParsedFile>(files.Count);
        foreach (var file in files)
        {
            if (ParseFile(file, imagesDir, sink) is { } p)
            {
                parsed.Add(p);
            }
        }

        var classNames = options.ClassNames ??
            [.. parsed.SelectMany(p => p.Objects).Select(o => o.Name).Distinct().Order(StringComparer.Ordinal)];
        var classOf = classNames.Select((n, k) => (n, k)).ToDictionary(p => p.n, p => p.k, StringComparer.Ordinal);
        var images = new List<DatasetImage>(parsed.Count);
        var annotations = new List<DatasetAnnotation>();
        foreach (var p in parsed)
        {
            var imageId = images.Count + 1;
            images.Add(p.Image with { Id = imageId });
            foreach (var o in p.Objects)
            {
                if (!classOf.TryGetValue(o.Name, out var k))
                {
                    sink.Add(IssueSeverity.Error, "unknown-class", $"class '{o.Name}' is not among the given class names", o.At);
                    continue;
                }
                annotations.Add(new DatasetAnnotation(annotations.Count + 1, imageId, k, o.Box, o.Box.Area, false, o.Difficult, o.At));
            }
        }
        return new DetectionDataset(classNames, images, annotations, null, DatasetFormat.Voc, root, sink.Issues);
    }

    private static (string Root, string Annotations, string Images) Locate(string path, string? imagesDirectory)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full) && !Directory.Exists(Path.Combine(full, "Annotations")) &&
            Directory.EnumerateFiles(full, "*.xml").Any())
        {
            var sibling = Path.Combine(full, "..", "JPEGImages");
            return (full, full, imagesDirectory ?? (Directory.Exists(sibling) ? Path.GetFullPath(sibling) : full));
        }
        var root = FindRoot(full);
        return (root, Path.Combine(root, "Annotations"), imagesDirectory ?? Path.Combine(root, "JPEGImages"));
    }

    /// <summary>The VOC folder: the one with <c>Annotations/</c>, or its single child that has one.</summary>
    public static string FindRoot(string path)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(Path.Combine(full, "Annotations")))
        {
            return full;
        }
        if (Directory.Exists(full))
        {
            var children = Directory.GetDirectories(full).Where(d => Directory.Exists(Path.Combine(d, "Annotations"))).ToArray();
            if (children.Length == 1)
            {
                return children[0];
            }
        }
        throw new DatasetFormatException(full, 0, "not a VOC dataset: no 'Annotations' folder here or in a single sub-folder");
    }

    private static List<string> ListAnnotationFiles(string root, string annotations, string? split, IssueSink sink)
    {
        if (split is null)
        {
            return [.. Directory.EnumerateFiles(annotations, "*.xml").Order(StringComparer.Ordinal)];
        }
        var list = Path.Combine(root, "ImageSets", "Main", split + ".txt");
        if (!File.Exists(list))
        {
            throw new DatasetFormatException(list, 0, $"split '{split}' not found");
        }
        var files = new List<string>();
        var lineNumber = 0;
        foreach (var line in ReadLines(list))
        {
            lineNumber++;
            var stem = line.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            if (string.IsNullOrEmpty(stem))
            {
                continue;
            }
            var file = Path.Combine(annotations, stem + ".xml");
            if (!File.Exists(file))
            {
                sink.Malformed(list, lineNumber, $"'{stem}' has no annotation file {file}");
                continue;
            }
            files.Add(file);
        }
        return files;
    }

    private static string[] ReadLines(string file)
    {
        try
        {
            return File.ReadAllLines(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DatasetFormatException(file, 0, $"cannot read the file: {ex.Message}", ex);
        }
    }

    private static ParsedFile? ParseFile(string file, string imagesDir, IssueSink sink)
    {
        XDocument doc;
        try
        {
            doc = XDocument.Load(file, LoadOptions.SetLineInfo);
        }
        catch (XmlException ex)
        {
            // An empty or whitespace-only file has no line for XmlReader (0): point at line 1.
            sink.Malformed(file, Math.Max(ex.LineNumber, 1), $"invalid XML: {ex.Message}", ex.LinePosition, ex);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            sink.Malformed(file, 0, $"cannot read the file: {ex.Message}", 0, ex);
            return null;
        }
        return Parse(doc, file, imagesDir, sink);
    }

    private static ParsedFile? Parse(XDocument doc, string file, string imagesDir, IssueSink sink)
    {
        var annotation = doc.Root;
        if (annotation is null || annotation.Name.LocalName != "annotation")
        {
            sink.Malformed(file, Line(annotation), "the root element must be <annotation>");
            return null;
        }
        var fileName = annotation.Element("filename")?.Value.Trim();
        if (string.IsNullOrEmpty(fileName))
        {
            fileName = Path.GetFileNameWithoutExtension(file) + ".jpg";
        }
        var imagePath = Path.Combine(imagesDir, fileName);
        int width = 0, height = 0;
        if (annotation.Element("size") is { } size)
        {
            width = (int)(Number(size, "width", file, sink) ?? 0);
            height = (int)(Number(size, "height", file, sink) ?? 0);
        }
        if (width <= 0 || height <= 0)
        {
            ImageHeader.TryRead(imagePath, out width, out height, out _);
        }
        var image = new DatasetImage(0, imagePath, width, height, new SourceLocation(file, Line(annotation)));

        var objects = new List<ParsedObject>();
        foreach (var obj in annotation.Elements("object"))
        {
            if (ParseObject(obj, file, sink) is { } o)
            {
                objects.Add(o);
            }
        }
        return new ParsedFile(image, objects);
    }

    private static ParsedObject? ParseObject(XElement obj, string file, IssueSink sink)
    {
        var at = new SourceLocation(file, Line(obj));
        var name = obj.Element("name")?.Value.Trim();
        if (string.IsNullOrEmpty(name))
        {
            sink.Malformed(file, at.Line, "<object> lacks <name>");
            return null;
        }
        var bndbox = obj.Element("bndbox");
        if (bndbox is null)
        {
            sink.Malformed(file, at.Line, $"<object> '{name}' lacks <bndbox>");
            return null;
        }
        var x1 = Number(bndbox, "xmin", file, sink);
        var y1 = Number(bndbox, "ymin", file, sink);
        var x2 = Number(bndbox, "xmax", file, sink);
        var y2 = Number(bndbox, "ymax", file, sink);
        if (x1 is null || y1 is null || x2 is null || y2 is null)
        {
            return null;
        }
        if (x2 < x1 || y2 < y1)
        {
            sink.Malformed(file, Line(bndbox), $"<object> '{name}' has a negative size (xmin {x1}, xmax {x2}, ymin {y1}, ymax {y2})");
            return null;
        }
        var difficult = obj.Element("difficult")?.Value.Trim() is "1" or "true";
        return new ParsedObject(name, BoxXywh.FromCorners(x1.Value - 1, y1.Value - 1, x2.Value - 1, y2.Value - 1), difficult, at);
    }

    private static double? Number(XElement parent, string tag, string file, IssueSink sink)
    {
        var element = parent.Element(tag);
        if (element is null)
        {
            sink.Malformed(file, Line(parent), $"<{parent.Name.LocalName}> lacks <{tag}>");
            return null;
        }
        if (!double.TryParse(element.Value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ||
            !double.IsFinite(value))
        {
            sink.Malformed(file, Line(element), $"<{tag}> is not a number: '{element.Value}'");
            return null;
        }
        return value;
    }

    private static int Line(XObject? node) => node is IXmlLineInfo info && info.HasLineInfo() ? info.LineNumber : 0;

    private sealed record ParsedObject(string Name, BoxXywh Box, bool Difficult, SourceLocation At);

    private sealed record ParsedFile(DatasetImage Image, List<ParsedObject> Objects);
}
