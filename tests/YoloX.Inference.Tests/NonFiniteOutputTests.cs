using System.Text.Json;
using SkiaSharp;
using YoloX.Inference.Drawing;
using YoloX.Inference.Processing;

namespace YoloX.Inference.Tests;

/// <summary>
/// A model that outputs NaN or infinity (diverged weights, a broken export) must not crash JSON writing or drawing
/// nor produce boxes at NaN: the post-processor drops those rows, counts them, and keeps the finite ones.
/// </summary>
public sealed class NonFiniteOutputTests
{
    private const int Classes = 3;

    // Decoded rows: cx, cy, w, h, obj, 3 class probabilities (input 64×64).
    private static readonly float[] Rows =
    [
        20, 20, 10, 10, 0.9f, 0.8f, float.NaN, 0.1f,     // finite box, one NaN class: must still be found as class 0
        40, 40, 10, 10, float.NaN, 0.9f, 0.1f, 0.1f,     // NaN objectness: dropped
        30, 30, float.PositiveInfinity, 10, 0.9f, 0.1f, 0.9f, 0.1f, // infinite width: dropped
        float.NaN, 10, 10, 10, 0.9f, 0.1f, 0.1f, 0.9f,    // NaN centre: dropped
        50, 50, 8, 8, 0.8f, 0.1f, 0.1f, 0.95f,            // ordinary box, class 2
    ];

    [Fact]
    public void Non_finite_rows_are_dropped_and_counted_and_NaN_class_scores_are_never_chosen()
    {
        var letterbox = LetterboxInfo.For(64, 64, 64, 64);
        var detections = Postprocessor.Run(Rows, Classes, null, letterbox, new PostprocessOptions(0.3f), ["a", "b", "c"], out var nonFinite);
        Assert.Equal(3, nonFinite);
        Assert.Equal([0, 2], detections.Select(d => d.ClassId).Order());
        Assert.All(detections, d => Assert.True(
            float.IsFinite(d.Score) && float.IsFinite(d.Box.X1) && float.IsFinite(d.Box.Y1) && float.IsFinite(d.Box.X2) && float.IsFinite(d.Box.Y2)));
        Assert.Equal(0.9f * 0.8f, detections.Single(d => d.ClassId == 0).Score, 1e-6f);
    }

    [Fact]
    public void Raw_rows_whose_exponential_overflows_are_dropped_not_turned_into_infinite_boxes()
    {
        var grid = new AnchorGrid(32, 32);
        var rows = new float[grid.Count * (5 + Classes)];
        rows[2] = 200f; // exp(200) overflows float: infinite width
        (rows[4], rows[5]) = (0.9f, 0.9f);
        var last = (grid.Count - 1) * (5 + Classes);
        (rows[last + 4], rows[last + 6]) = (0.9f, 0.9f);
        var detections = Postprocessor.Run(rows, Classes, grid, LetterboxInfo.For(32, 32, 32, 32), new PostprocessOptions(0.3f), ["a", "b", "c"], out var nonFinite);
        Assert.Equal(1, nonFinite);
        Assert.Equal(1, Assert.Single(detections).ClassId);
    }

    [Fact]
    public void Detector_over_a_model_that_outputs_NaN_writes_json_and_draws_and_reports_the_count()
    {
        using var detector = new YoloXDetector(new ProbeBackend(Rows, Classes, decoded: true, size: 64),
            new YoloXDetectorOptions(new PostprocessOptions(0.3f), ["a", "b", "c"]));
        using var image = new SKBitmap(64, 64);
        var result = detector.Detect(image, "nan-model");
        Assert.Equal(3, result.NonFiniteRows);
        Assert.Equal(2, result.Detections.Count);

        using var json = new MemoryStream();
        DetectionJson.Write(json, [result]);
        using var parsed = JsonDocument.Parse(json.ToArray());
        Assert.Equal(2, parsed.RootElement[0].GetProperty("detections").GetArrayLength());
        using var drawn = DetectionRenderer.Draw(image, result.Detections);
        Assert.Equal(64, drawn.Width);
    }
}
