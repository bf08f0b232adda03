namespace YoloX.Training.Data;

/// <summary>One entry point for reading any supported format, and format detection from a path.</summary>
public static class DatasetIO
{
    /// <summary>Reads a dataset in the given format.</summary>
    /// <param name="path">COCO: the annotation JSON, or a folder holding <c>annotations/*.json</c>; VOC/YOLO: the dataset folder.</param>
    /// <param name="format">The format.</param>
    /// <param name="options">Reading options.</param>
    public static DetectionDataset Read(string path, DatasetFormat format, DatasetReadOptions? options = null)
    {
        options ??= new DatasetReadOptions();
        return format switch
        {
            DatasetFormat.Coco => CocoJsonReader.Read(options.AnnotationsPath ?? FindCocoJson(path), options),
            DatasetFormat.Voc => VocReader.Read(path, options),
            DatasetFormat.Yolo => YoloTxtReader.Read(path, options),
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };
    }

    /// <summary>Guesses the format: a .json file or a folder with annotations/*.json → COCO; Annotations/ → VOC; labels/ → YOLO.</summary>
    public static DatasetFormat Detect(string path)
    {
        if (File.Exists(path))
        {
            return Path.GetExtension(path).Equals(".json", StringComparison.OrdinalIgnoreCase)
                ? DatasetFormat.Coco
                : throw new DatasetFormatException(path, 0, "cannot tell the dataset format of this file; pass --format");
        }
        if (Directory.Exists(Path.Combine(path, "annotations")) &&
            Directory.EnumerateFiles(Path.Combine(path, "annotations"), "*.json").Any())
        {
            return DatasetFormat.Coco;
        }
        try
        {
            VocReader.FindRoot(path);
            return DatasetFormat.Voc;
        }
        catch (DatasetFormatException)
        {
        }
        if (Directory.Exists(Path.Combine(path, "labels")))
        {
            return DatasetFormat.Yolo;
        }
        throw new DatasetFormatException(path, 0, "cannot tell the dataset format (no annotations/*.json, Annotations/ or labels/); pass --format");
    }

    private static string FindCocoJson(string path)
    {
        if (File.Exists(path))
        {
            return path;
        }
        var dir = Path.Combine(path, "annotations");
        var files = Directory.Exists(dir) ? Directory.GetFiles(dir, "*.json").Order(StringComparer.Ordinal).ToArray() : [];
        return files.Length switch
        {
            1 => files[0],
            0 => throw new DatasetFormatException(path, 0, "no COCO annotation JSON found under annotations/; pass --annotations"),
            _ => files.FirstOrDefault(f => Path.GetFileName(f).StartsWith("instances_", StringComparison.Ordinal))
                 ?? throw new DatasetFormatException(path, 0, "several annotation files found; pass --annotations"),
        };
    }
}
