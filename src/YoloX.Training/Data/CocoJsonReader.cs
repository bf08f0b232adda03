using System.Text.Json;

namespace YoloX.Training.Data;

/// <summary>
/// Reads a COCO instances JSON. Categories are sorted by id and numbered 0..N-1 (as YOLOX's <c>COCODataset</c>
/// does), their original ids are kept for evaluation output, crowd flags and images without annotations are kept.
/// </summary>
public static class CocoJsonReader
{
    /// <summary>Reads the annotation file; images are looked up in <paramref name="options"/>' images folder or guessed.</summary>
    /// <param name="annotationFile">The instances JSON.</param>
    /// <param name="options">Images folder, leniency.</param>
    /// <exception cref="DatasetFormatException">Malformed JSON or a malformed entry (strict reading).</exception>
    public static DetectionDataset Read(string annotationFile, DatasetReadOptions? options = null)
    {
        options ??= new DatasetReadOptions();
        var source = new JsonSource(annotationFile);
        var sink = new IssueSink(options.Lenient);
        var imagesDir = options.ImagesDirectory ?? GuessImagesDirectory(annotationFile);
        var images = new List<DatasetImage>();
        var raw = new List<RawAnnotation>();
        var categories = new List<(long Id, string Name, SourceLocation At)>();

        var reader = source.CreateReader();
        try
        {
            source.Expect(ref reader, JsonTokenType.StartObject, "a JSON object");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = source.Text(ref reader, "property name");
                reader.Read();
                switch (name)
                {
                    case "images":
                        ReadArray(source, ref reader, "images", (ref Utf8JsonReader r) => ReadImage(source, ref r, imagesDir, images, sink));
                        break;
                    case "annotations":
                        ReadArray(source, ref reader, "annotations", (ref Utf8JsonReader r) => ReadAnnotation(source, ref r, raw, sink));
                        break;
                    case "categories":
                        ReadArray(source, ref reader, "categories", (ref Utf8JsonReader r) => ReadCategory(source, ref r, categories, sink));
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
            if (reader.TokenType != JsonTokenType.EndObject)
            {
                throw source.Error(reader.TokenStartIndex, "the file ends before the top-level object is closed");
            }
        }
        catch (JsonException ex)
        {
            throw source.Wrap(ex);
        }

        return Assemble(annotationFile, images, raw, categories, sink);
    }

    private static DetectionDataset Assemble(
        string file, List<DatasetImage> images, List<RawAnnotation> raw,
        List<(long Id, string Name, SourceLocation At)> categories, IssueSink sink)
    {
        var sorted = categories.DistinctBy(c => c.Id).OrderBy(c => c.Id).ToList();
        foreach (var duplicate in categories.GroupBy(c => c.Id).Where(g => g.Count() > 1))
        {
            sink.Add(IssueSeverity.Error, "duplicate-id", $"category id {duplicate.Key} is declared more than once",
                duplicate.Skip(1).First().At);
        }
        var classOf = sorted.Select((c, k) => (c.Id, k)).ToDictionary(p => p.Id, p => p.k);
        var imageIds = images.Select(i => i.Id).ToHashSet();
        var annotations = new List<DatasetAnnotation>(raw.Count);
        foreach (var a in raw)
        {
            if (!classOf.TryGetValue(a.CategoryId, out var k))
            {
                sink.Add(IssueSeverity.Error, "unknown-class", $"annotation {a.Id} has category_id {a.CategoryId}, which is not in 'categories'", a.At);
                continue;
            }
            if (!imageIds.Contains(a.ImageId))
            {
                sink.Add(IssueSeverity.Error, "unknown-image", $"annotation {a.Id} refers to image_id {a.ImageId}, which is not in 'images'", a.At);
                continue;
            }
            annotations.Add(new DatasetAnnotation(a.Id, a.ImageId, k, a.Box, a.Area, a.IsCrowd, false, a.At));
        }
        return new DetectionDataset(
            [.. sorted.Select(c => c.Name)], images, annotations, [.. sorted.Select(c => c.Id)], DatasetFormat.Coco,
            file, sink.Issues);
    }

    /// <summary>YOLOX layout: <c>root/annotations/instances_NAME.json</c> with images in <c>root/NAME/</c>.</summary>
    private static string GuessImagesDirectory(string annotationFile)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(annotationFile)) ?? ".";
        var stem = Path.GetFileNameWithoutExtension(annotationFile);
        var split = stem.StartsWith("instances_", StringComparison.Ordinal) ? stem["instances_".Length..] : stem;
        foreach (var candidate in new[]
        {
            Path.Combine(dir, "..", split), Path.Combine(dir, "..", "images", split), Path.Combine(dir, "..", "images"),
            Path.Combine(dir, split), Path.Combine(dir, "images"),
        })
        {
            if (Directory.Exists(candidate))
            {
                return Path.GetFullPath(candidate);
            }
        }
        return dir;
    }

    private delegate void ItemReader(ref Utf8JsonReader reader);

    private static void ReadArray(JsonSource source, ref Utf8JsonReader reader, string field, ItemReader item)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw source.Error(reader.TokenStartIndex, $"'{field}' must be an array");
        }
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw source.Error(reader.TokenStartIndex, $"each entry of '{field}' must be an object");
            }
            item(ref reader);
        }
    }

    private static void ReadImage(JsonSource source, ref Utf8JsonReader reader, string imagesDir, List<DatasetImage> images, IssueSink sink)
    {
        var at = source.Locate(reader.TokenStartIndex);
        long? id = null;
        string? fileName = null;
        double width = -1, height = -1;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = source.Text(ref reader, "property name");
            reader.Read();
            switch (name)
            {
                case "id": id = source.Integer(ref reader, "id"); break;
                case "file_name": fileName = source.Text(ref reader, "file_name"); break;
                case "width": width = source.Number(ref reader, "width"); break;
                case "height": height = source.Number(ref reader, "height"); break;
                default: reader.Skip(); break;
            }
        }
        if (id is null || fileName is null)
        {
            sink.Malformed(at.File, at.Line, $"image entry lacks '{(id is null ? "id" : "file_name")}'", at.Column);
            return;
        }
        if (width <= 0 || height <= 0)
        {
            sink.Malformed(at.File, at.Line, $"image {id} has no positive 'width'/'height'", at.Column);
            return;
        }
        images.Add(new DatasetImage(id.Value, Path.Combine(imagesDir, fileName), (int)width, (int)height, at));
    }

    private static void ReadAnnotation(JsonSource source, ref Utf8JsonReader reader, List<RawAnnotation> raw, IssueSink sink)
    {
        var at = source.Locate(reader.TokenStartIndex);
        long? id = null, imageId = null, categoryId = null;
        double[]? bbox = null;
        double? area = null;
        var crowd = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = source.Text(ref reader, "property name");
            reader.Read();
            switch (name)
            {
                case "id": id = source.Integer(ref reader, "id"); break;
                case "image_id": imageId = source.Integer(ref reader, "image_id"); break;
                case "category_id": categoryId = source.Integer(ref reader, "category_id"); break;
                case "bbox": bbox = source.NumberArray(ref reader, "bbox"); break;
                case "area": area = source.Number(ref reader, "area"); break;
                case "iscrowd": crowd = source.Flag(ref reader, "iscrowd"); break;
                default: reader.Skip(); break;
            }
        }
        var missing = id is null ? "id" : imageId is null ? "image_id" : categoryId is null ? "category_id" : bbox is null ? "bbox" : null;
        if (missing is not null)
        {
            sink.Malformed(at.File, at.Line, $"annotation entry lacks '{missing}'", at.Column);
            return;
        }
        if (bbox!.Length != 4)
        {
            sink.Malformed(at.File, at.Line, $"annotation {id}: 'bbox' must have 4 numbers [x, y, w, h], found {bbox.Length}", at.Column);
            return;
        }
        if (bbox[2] < 0 || bbox[3] < 0)
        {
            sink.Malformed(at.File, at.Line, $"annotation {id}: negative box size (w={bbox[2]}, h={bbox[3]})", at.Column);
            return;
        }
        var box = new BoxXywh(bbox[0], bbox[1], bbox[2], bbox[3]);
        raw.Add(new RawAnnotation(id!.Value, imageId!.Value, categoryId!.Value, box, area ?? box.Area, crowd, at));
    }

    private static void ReadCategory(JsonSource source, ref Utf8JsonReader reader, List<(long, string, SourceLocation)> categories, IssueSink sink)
    {
        var at = source.Locate(reader.TokenStartIndex);
        long? id = null;
        string? name = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = source.Text(ref reader, "property name");
            reader.Read();
            switch (field)
            {
                case "id": id = source.Integer(ref reader, "id"); break;
                case "name": name = source.Text(ref reader, "name"); break;
                default: reader.Skip(); break;
            }
        }
        if (id is null || name is null)
        {
            sink.Malformed(at.File, at.Line, $"category entry lacks '{(id is null ? "id" : "name")}'", at.Column);
            return;
        }
        categories.Add((id.Value, name, at));
    }

    private readonly record struct RawAnnotation(
        long Id, long ImageId, long CategoryId, BoxXywh Box, double Area, bool IsCrowd, SourceLocation At);
}
