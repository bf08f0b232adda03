using System.Text.Json;

namespace YoloX.Inference.Drawing;

/// <summary>
/// Writes and reads detection results as JSON:
/// <c>[{"image", "width", "height", "detections": [{"class_id", "class_name", "score", "box": [x1, y1, x2, y2]}]}]</c>.
/// </summary>
public static class DetectionJson
{
    /// <summary>Writes <paramref name="results"/> to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, IEnumerable<DetectionResult> results, bool indented = true)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(results);
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented });
        w.WriteStartArray();
        foreach (var r in results)
        {
            w.WriteStartObject();
            w.WriteString("image", r.Source);
            w.WriteNumber("width", r.Width);
            w.WriteNumber("height", r.Height);
            w.WriteStartArray("detections");
            foreach (var d in r.Detections)
            {
                w.WriteStartObject();
                w.WriteNumber("class_id", d.ClassId);
                w.WriteString("class_name", d.ClassName);
                w.WriteNumber("score", Math.Round(d.Score, 6, MidpointRounding.AwayFromZero));
                w.WriteStartArray("box");
                w.WriteNumberValue(Math.Round(d.Box.X1, 3, MidpointRounding.AwayFromZero));
                w.WriteNumberValue(Math.Round(d.Box.Y1, 3, MidpointRounding.AwayFromZero));
                w.WriteNumberValue(Math.Round(d.Box.X2, 3, MidpointRounding.AwayFromZero));
                w.WriteNumberValue(Math.Round(d.Box.Y2, 3, MidpointRounding.AwayFromZero));
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>Writes <paramref name="results"/> to the file <paramref name="path"/> (its folder is created).</summary>
    public static void WriteFile(string path, IEnumerable<DetectionResult> results, bool indented = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }
        using var file = File.Create(path);
        Write(file, results, indented);
    }

    /// <summary>Reads results written by <see cref="Write"/> (timings are zero).</summary>
    /// <exception cref="FormatException">The JSON does not have the expected layout.</exception>
    public static IReadOnlyList<DetectionResult> Read(Stream stream, string source = "<stream>")
    {
        ArgumentNullException.ThrowIfNull(stream);
        try
        {
            using var doc = JsonDocument.Parse(stream);
            var results = new List<DetectionResult>();
            foreach (var item in doc.RootElement.EnumerateArray())
            {
                var detections = new List<Detection>();
                foreach (var d in item.GetProperty("detections").EnumerateArray())
                {
                    var box = d.GetProperty("box").EnumerateArray().Select(e => e.GetSingle()).ToArray();
                    if (box.Length != 4)
                    {
                        throw new FormatException($"{source}: a box has {box.Length} numbers instead of 4.");
                    }
                    detections.Add(new Detection(
                        new BoundingBox(box[0], box[1], box[2], box[3]), d.GetProperty("score").GetSingle(),
                        d.GetProperty("class_id").GetInt32(), d.GetProperty("class_name").GetString() ?? ""));
                }
                results.Add(new DetectionResult(
                    item.GetProperty("image").GetString() ?? "", item.GetProperty("width").GetInt32(),
                    item.GetProperty("height").GetInt32(), detections, default));
            }
            return results;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException($"{source}: not a detections JSON file ({e.Message}).", e);
        }
    }
}
