using Xunit.Abstractions;
using YoloX.Core;
using YoloX.Inference.Backends;
using YoloX.Testing;

namespace YoloX.Inference.Tests;

public sealed class OnnxDetectorTests(ITestOutputHelper output)
{
    internal static YoloXDetector BuildNano(float confidence = 0.3f) =>
        YoloXBuilder.Create()
            .WithModel(YoloXPreset.Nano)
            .WithWeights(SharedAssets.NanoOnnx)
            .UseOnnxRuntime(new OnnxRuntimeOptions(IntraOpThreads: 2))
            .WithThresholds(confidence, 0.45f)
            .BuildDetector();

    [Fact]
    public void Official_nano_finds_dog_bicycle_and_car_in_dog_jpg()
    {
        using var detector = BuildNano();
        var result = detector.Detect(SharedAssets.DogJpg);
        foreach (var d in result.Detections)
        {
            output.WriteLine($"{d.ClassName,-10} {d.Score:F4}  [{d.Box.X1:F1}, {d.Box.Y1:F1}, {d.Box.X2:F1}, {d.Box.Y2:F1}]");
        }
        output.WriteLine($"timings: {result.Timings}");

        Assert.Equal((768, 576), (result.Width, result.Height));
        Assert.Equal(SharedAssets.DogJpg, result.Source);
        // Boxes (x1, y1, x2, y2) of the objects in the official demo image, from its PROVENANCE run (PIL resize), ±12 px.
        AssertFound(result, "dog", 0.7f, new BoundingBox(133.1f, 207.0f, 324.6f, 542.3f));
        AssertFound(result, "bicycle", 0.7f, new BoundingBox(45.6f, 131.9f, 571.7f, 430.6f));
        var vehicle = result.Detections.Where(d => d.ClassName is "car" or "truck").MaxBy(d => d.Score);
        Assert.NotNull(vehicle);
        AssertNear(new BoundingBox(466.7f, 78.2f, 691.5f, 171.5f), vehicle.Box);
        Assert.True(result.Detections.Zip(result.Detections.Skip(1)).All(p => p.First.Score >= p.Second.Score), "sorted by score");
        Assert.All(result.Detections, d => Assert.True(d.Box.X1 >= 0 && d.Box.Y1 >= 0 && d.Box.X2 <= 768 && d.Box.Y2 <= 576));
    }

    private static void AssertFound(DetectionResult result, string name, float minScore, BoundingBox expected)
    {
        var best = result.Detections.Where(d => d.ClassName == name).MaxBy(d => d.Score);
        Assert.True(best is not null, $"no {name} found");
        Assert.True(best.Score >= minScore, $"{name} score {best.Score} < {minScore}");
        AssertNear(expected, best.Box);
    }

    internal static void AssertNear(BoundingBox expected, BoundingBox actual, float tolerance = 12f)
    {
        Assert.True(
            MathF.Abs(expected.X1 - actual.X1) <= tolerance && MathF.Abs(expected.Y1 - actual.Y1) <= tolerance &&
            MathF.Abs(expected.X2 - actual.X2) <= tolerance && MathF.Abs(expected.Y2 - actual.Y2) <= tolerance,
            $"box {actual} is not within {tolerance} px of {expected}");
    }
}
