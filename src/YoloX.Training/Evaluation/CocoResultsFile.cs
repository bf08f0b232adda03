using System.Globalization;
using System.Text;
using System.Text.Json;
using YoloX.Training.Data;

namespace YoloX.Training.Evaluation;

/// <summary>Reads and writes detections in the COCO results format (<c>[{image_id, category_id, bbox, score}, …]</c>).</summary>
public static class CocoResultsFile
{
    /// <summary>Reads a results file.</summary>
    /// <exception cref="DatasetFormatException">Malformed JSON or entry, naming file, line and column.</exception>
    public static IReadOnlyList<CocoDetection> Read(string path)
    {
        var source = new JsonSource(path);
        var reader = source.CreateReader();
        var detections = new List<CocoDetection>();
        try
        {
            source.Expect(ref reader, JsonTokenType.StartArray, "a JSON array of detections");
            while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                detections.Add(ReadOne(source, ref reader));
            }
            if (reader.TokenType != JsonTokenType.EndArray)
            {
                throw source.Error(reader.TokenStartIndex, "each detection must be an object");
            }
        }
        catch (JsonException ex)
        {
            throw source.Wrap(ex);
        }
        return detections;
    }

    /// <summary>Writes detections (one object per line) so that the file can be fed to pycocotools' <c>loadRes</c>.</summary>
    public static void Write(string path, IEnumerable<CocoDetection> detections)
    {
        ArgumentNullException.ThrowIfNull(detections);
        var builder = new StringBuilder("[\n");
        var first = true;
        foreach (var d in detections)
        {
            if (!first)
            {
                builder.Append(",\n");
            }
            first = false;
            builder.Append(CultureInfo.InvariantCulture,
                $"{{\"image_id\": {d.ImageId}, \"category_id\": {d.CategoryId}, \"bbox\": [{R(d.X)}, {R(d.Y)}, {R(d.Width)}, {R(d.Height)}], \"score\": {R(d.Score)}, \"segmentation\": []}}");
        }
        builder.Append("\n]\n");
        File.WriteAllText(path, builder.ToString());
    }

    private static string R(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static CocoDetection ReadOne(JsonSource source, ref Utf8JsonReader reader)
    {
        var start = reader.TokenStartIndex;
        long? imageId = null, categoryId = null;
        double[]? bbox = null;
        double? score = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "image_id": imageId = source.Integer(ref reader, "image_id"); break;
                case "category_id": categoryId = source.Integer(ref reader, "category_id"); break;
                case "bbox": bbox = source.NumberArray(ref reader, "bbox"); break;
                case "score": score = source.Number(ref reader, "score"); break;
                default: reader.Skip(); break;
            }
        }
        if (imageId is null || categoryId is null || bbox is null || score is null)
        {
            throw source.Error(start, "a detection needs 'image_id', 'category_id', 'bbox' and 'score'");
        }
        if (bbox.Length != 4)
        {
            throw source.Error(start, $"'bbox' must have 4 numbers [x, y, w, h], found {bbox.Length}");
        }
        return new CocoDetection(imageId.Value, categoryId.Value, bbox[0], bbox[1], bbox[2], bbox[3], score.Value);
    }
}
