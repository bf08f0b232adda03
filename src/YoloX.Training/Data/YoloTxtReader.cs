using System.Globalization;

namespace YoloX.Training.Data;

/// <summary>
/// Reads a YOLO txt dataset: images under <c>images/</c> (or the given folder, searched recursively), one label file per
/// image under <c>labels/</c> at the same relative path with a <c>.txt</c> extension, lines <c>class cx cy w h</c>
/// normalised to [0, 1]. Class names come from a names file (<c>classes.txt</c>, <c>*.names</c>, or a YAML
/// <c>names:</c> list/mapping). Images without a label file are kept as background images.
/// </summary>
public static class YoloTxtReader
{
    private static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png", ".bmp", ".webp", ".gif"];

    /// <summary>Reads the dataset.</summary>
    /// <exception cref="DatasetFormatException">A malformed label line (strict reading) or no names file.</exception>
    public static DetectionDataset Read(string path, DatasetReadOptions? options = null)
    {
        options ??= new DatasetReadOptions();
        var root = Path.GetFullPath(path);
        var sink = new IssueSink(options.Lenient);
        var imagesDir = options.ImagesDirectory ?? (Directory.Exists(Path.Combine(root, "images")) ? Path.Combine(root, "images") : root);
        var labelsDir = options.AnnotationsPath ?? Path.Combine(root, "labels");
        var classNames = options.ClassNames ?? ReadNames(options.NamesFile ?? FindNamesFile(root, labelsDir));

        var images = new List<DatasetImage>();
        var annotations = new List<DatasetAnnotation>();
        var usedLabels = new HashSet<string>(StringComparer.Ordinal);
        foreach (var imagePath in ListImages(imagesDir, labelsDir))
        {
            var relative = Path.GetRelativePath(imagesDir, imagePath);
            var labelPath = Path.GetFullPath(Path.Combine(labelsDir, Path.ChangeExtension(relative, ".txt")));
            usedLabels.Add(labelPath);
            int width = 0, height = 0;
            if (!ImageHeader.TryRead(imagePath, out width, out height, out var error))
            {
                sink.Add(IssueSeverity.Error, "unreadable-image", $"cannot read the image size: {error}", new SourceLocation(imagePath));
            }
            var id = images.Count + 1;
            images.Add(new DatasetImage(id, imagePath, width, height, new SourceLocation(labelPath)));
            if (File.Exists(labelPath))
            {
                ReadLabels(labelPath, id, width, height, classNames.Count, annotations, sink);
            }
        }
        ReportOrphanLabels(labelsDir, usedLabels, sink);
        return new DetectionDataset(classNames, images, annotations, null, DatasetFormat.Yolo, root, sink.Issues);
    }

    /// <summary>Label files that belong to no image (e.g. left over after images were removed).</summary>
    private static void ReportOrphanLabels(string labelsDir, HashSet<string> used, IssueSink sink)
    {
        if (!Directory.Exists(labelsDir))
        {
            return;
        }
        foreach (var file in Directory.EnumerateFiles(labelsDir, "*.txt", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var full = Path.GetFullPath(file);
            if (!used.Contains(full) && !Path.GetFileName(full).Equals("classes.txt", StringComparison.OrdinalIgnoreCase))
            {
                sink.Add(IssueSeverity.Warning, "orphan-label", "label file without a matching image", new SourceLocation(full));
            }
        }
    }

    private static IEnumerable<string> ListImages(string imagesDir, string labelsDir)
    {
        if (!Directory.Exists(imagesDir))
        {
            throw new DatasetFormatException(imagesDir, 0, "images folder not found");
        }
        var labelsFull = Path.GetFullPath(labelsDir) + Path.DirectorySeparatorChar;
        return Directory.EnumerateFiles(imagesDir, "*", SearchOption.AllDirectories)
            .Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .Where(f => !Path.GetFullPath(f).StartsWith(labelsFull, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
    }

    private static void ReadLabels(
        string labelPath, long imageId, int width, int height, int classCount, List<DatasetAnnotation> annotations, IssueSink sink)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(labelPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            sink.Malformed(labelPath, 0, $"cannot read the file: {ex.Message}", 0, ex);
            return;
        }
        var lineNumber = 0;
        foreach (var line in lines)
        {
            lineNumber++;
            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0)
            {
                continue;
            }
            if (fields.Length != 5)
            {
                sink.Malformed(labelPath, lineNumber, $"expected 5 fields 'class cx cy w h', found {fields.Length}");
                continue;
            }
            if (!int.TryParse(fields[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var classId))
            {
                sink.Malformed(labelPath, lineNumber, $"class '{fields[0]}' is not an integer");
                continue;
            }
            var v = new double[4];
            var ok = true;
            for (var i = 0; i < 4 && ok; i++)
            {
                ok = double.TryParse(fields[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out v[i]) && double.IsFinite(v[i]);
            }
            if (!ok)
            {
                sink.Malformed(labelPath, lineNumber, "box values must be numbers");
                continue;
            }
            if (v[2] < 0 || v[3] < 0)
            {
                sink.Malformed(labelPath, lineNumber, $"negative box size (w={fields[3]}, h={fields[4]})");
                continue;
            }
            var at = new SourceLocation(labelPath, lineNumber);
            if (classId < 0 || classId >= classCount)
            {
                sink.Add(IssueSeverity.Error, "unknown-class", $"class {classId} is outside 0..{classCount - 1}", at);
                continue;
            }
            var (cx, cy, w, h) = (v[0] * width, v[1] * height, v[2] * width, v[3] * height);
            var box = new BoxXywh(cx - w / 2, cy - h / 2, w, h);
            annotations.Add(new DatasetAnnotation(annotations.Count + 1, imageId, classId, box, box.Area, Source: at));
        }
    }

    /// <summary>Looks for classes.txt / *.names / *.yaml beside the dataset or its labels.</summary>
    private static string FindNamesFile(string root, string labelsDir)
    {
        foreach (var dir in new[] { root, labelsDir })
        {
            if (!Directory.Exists(dir))
            {
                continue;
            }
            var candidates = new[] { "classes.txt", "obj.names", "data.yaml", "dataset.yaml" }
                .Select(n => Path.Combine(dir, n))
                .Concat(Directory.EnumerateFiles(dir, "*.names").Order(StringComparer.Ordinal))
                .Concat(Directory.EnumerateFiles(dir, "*.yaml").Order(StringComparer.Ordinal));
            if (candidates.FirstOrDefault(File.Exists) is { } found)
            {
                return found;
            }
        }
        throw new DatasetFormatException(root, 0,
            "no class names: put a classes.txt (one name per line) or a data.yaml with 'names' here, or pass the names");
    }

    /// <summary>Reads class names from a plain list (one per line) or from a YAML <c>names:</c> entry.</summary>
    public static IReadOnlyList<string> ReadNames(string file)
    {
        if (!File.Exists(file))
        {
            throw new DatasetFormatException(file, 0, "names file not found");
        }
        string[] lines;
        try
        {
            lines = File.ReadAllLines(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DatasetFormatException(file, 0, $"cannot read the file: {ex.Message}", ex);
        }
        var ext = Path.GetExtension(file).ToLowerInvariant();
        if (ext is not (".yaml" or ".yml"))
        {
            return [.. lines.Select(l => l.Trim()).Where(l => l.Length > 0)];
        }
        return ReadYamlNames(file, lines);
    }

    private static List<string> ReadYamlNames(string file, string[] lines)
    {
        var start = Array.FindIndex(lines, l => l.TrimStart().StartsWith("names:", StringComparison.Ordinal));
        if (start < 0)
        {
            throw new DatasetFormatException(file, 0, "no 'names:' entry");
        }
        var inline = lines[start][(lines[start].IndexOf(':') + 1)..].Trim();
        if (inline.StartsWith('['))
        {
            var close = inline.LastIndexOf(']');
            if (close < 0)
            {
                throw new DatasetFormatException(file, start + 1, "unterminated inline 'names' list");
            }
            return [.. inline[1..close].Split(',').Select(Unquote).Where(n => n.Length > 0)];
        }
        var names = new SortedDictionary<int, string>();
        var list = new List<string>();
        for (var i = start + 1; i < lines.Length; i++)
        {
            var raw = lines[i];
            var text = raw.Trim();
            if (text.Length == 0 || text.StartsWith('#'))
            {
                continue;
            }
            if (!char.IsWhiteSpace(raw[0]) && !text.StartsWith('-'))
            {
                break; // next top-level key
            }
            if (text.StartsWith('-'))
            {
                list.Add(Unquote(text[1..]));
                continue;
            }
            var colon = text.IndexOf(':');
            if (colon < 0 || !int.TryParse(text[..colon], NumberStyles.Integer, CultureInfo.InvariantCulture, out var index))
            {
                throw new DatasetFormatException(file, i + 1, $"expected 'index: name' in 'names', found '{text}'");
            }
            names[index] = Unquote(text[(colon + 1)..]);
        }
        if (list.Count > 0)
        {
            return list;
        }
        for (var k = 0; k < names.Count; k++)
        {
            if (!names.ContainsKey(k))
            {
                throw new DatasetFormatException(file, start + 1, $"'names' skips index {k}");
            }
        }
        return [.. names.Values];
    }

    private static string Unquote(string s)
    {
        s = s.Trim();
        return s.Length >= 2 && (s[0] == '\'' || s[0] == '"') && s[^1] == s[0] ? s[1..^1] : s;
    }
}
