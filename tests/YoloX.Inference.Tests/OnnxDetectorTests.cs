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
        // The input tensor is bit-exact with the official preprocessing and ONNX Runtime reproduces the official raw
        // output (test below), so these are the official pipeline's detections up to ORT-vs-PyTorch noise
        // (decoded boxes ≤ 0.014 px, scores ≤ 3e-6 per golden/official_nano_load.json); tolerance 0.5 px / 0.002.
        AssertFound(result, "dog", 0.8551f, new BoundingBox(132.8f, 206.6f, 325.7f, 543.1f));
        AssertFound(result, "bicycle", 0.8026f, new BoundingBox(51.7f, 137.2f, 572.3f, 423.6f));
        AssertFound(result, "car", 0.7982f, new BoundingBox(466.3f, 78.4f, 692.5f, 171.3f));
        AssertFound(result, "truck", 0.3055f, new BoundingBox(464.2f, 77.6f, 682.8f, 172.7f));
        Assert.Equal(4, result.Detections.Count);
        Assert.True(result.Detections.Zip(result.Detections.Skip(1)).All(p => p.First.Score >= p.Second.Score), "sorted by score");
        Assert.All(result.Detections, d => Assert.True(d.Box.X1 >= 0 && d.Box.Y1 >= 0 && d.Box.X2 <= 768 && d.Box.Y2 <= 576));
    }

    [Fact]
    public void Onnx_backend_reproduces_the_official_raw_output_on_the_official_dog_input()
    {
        // golden/official_nano_load.json: the official PyTorch model and ONNX Runtime on golden/dog_input_416.
        var input = YoloX.Core.Weights.RawTensorFile.ReadMap(SharedAssets.Golden("dog_input_416.json"))["images"].Float32!;
        using var backend = new OnnxRuntimeBackend(SharedAssets.NanoOnnx, new OnnxRuntimeOptions(IntraOpThreads: 2));
        var output = new float[backend.Model.OutputLength];
        backend.Run(input, 1, output);

        float[] officialOrt = [1.210320234298706f, 1.0941119194030762f, 0.8359889388084412f, 0.6236202716827393f, 8.344650268554688e-07f, 0.09264340996742249f];
        for (var i = 0; i < officialOrt.Length; i++)
        {
            Assert.Equal(officialOrt[i], output[i], 1e-4f);
        }
        // Sum over all 3549 × 85 values of the official PyTorch output: 16244.4007 (ORT vs PyTorch differ ≤ 2.7e-4 per value).
        Assert.Equal(16244.40, output.Sum(v => (double)v), 0.5);
    }

    private static void AssertFound(DetectionResult result, string name, float score, BoundingBox expected)
    {
        var best = result.Detections.Where(d => d.ClassName == name).MaxBy(d => d.Score);
        Assert.True(best is not null, $"no {name} found");
        Assert.Equal(score, best.Score, 0.002f);
        AssertNear(expected, best.Box, 0.5f);
    }

    internal static void AssertNear(BoundingBox expected, BoundingBox actual, float tolerance = 12f)
    {
        Assert.True(
            MathF.Abs(expected.X1 - actual.X1) <= tolerance && MathF.Abs(expected.Y1 - actual.Y1) <= tolerance &&
            MathF.Abs(expected.X2 - actual.X2) <= tolerance && MathF.Abs(expected.Y2 - actual.Y2) <= tolerance,
            $"box {actual} is not within {tolerance} px of {expected}");
    }
}
