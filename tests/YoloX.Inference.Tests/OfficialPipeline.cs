using System.Text.Json;
using YoloX.Testing;

namespace YoloX.Inference.Tests;

/// <summary>The official pipeline's detections (golden/official_pipeline, in the <c>yolox detect --json</c> schema).</summary>
internal static class OfficialPipeline
{
    public static IReadOnlyList<Detection> Dog(string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(SharedAssets.Golden(Path.Combine("official_pipeline", file))));
        return doc.RootElement[0].GetProperty("detections").EnumerateArray().Select(d =>
        {
            var b = d.GetProperty("box").EnumerateArray().Select(v => v.GetSingle()).ToArray();
            return new Detection(new BoundingBox(b[0], b[1], b[2], b[3]), d.GetProperty("score").GetSingle(),
                d.GetProperty("class_id").GetInt32(), d.GetProperty("class_name").GetString()!);
        }).ToList();
    }
}
