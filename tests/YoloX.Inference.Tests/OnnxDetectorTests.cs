using System.Text.Json;
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

    [Theory]
    [InlineData("dog_official_conf0.3_nms0.45.json", 0.3f, false)]
    [InlineData("dog_official_conf0.3_nms0.45_class_agnostic.json", 0.3f, true)]
    [InlineData("dog_official_conf0.01_nms0.45.json", 0.01f, false)]
    public void Official_nano_on_dog_jpg_gives_the_official_pipeline_detections(string golden, float confidence, bool classAgnostic)
    {
        using var detector = YoloXBuilder.Create().WithModel(YoloXPreset.Nano).WithWeights(SharedAssets.NanoOnnx)
            .UseOnnxRuntime(new OnnxRuntimeOptions(IntraOpThreads: 2)).WithThresholds(confidence, 0.45f)
            .WithClassAgnosticNms(classAgnostic).WithBoxClipping(false).BuildDetector();
        var result = detector.Detect(SharedAssets.DogJpg);
        var expected = OfficialPipeline.Dog(golden);
        foreach (var d in result.Detections.Take(8))
        {
            output.WriteLine($"{d.ClassName,-10} {d.Score:F4}  [{d.Box.X1:F2}, {d.Box.Y1:F2}, {d.Box.X2:F2}, {d.Box.Y2:F2}]");
        }

        Assert.Equal((768, 576), (result.Width, result.Height));
        Assert.Equal(SharedAssets.DogJpg, result.Source);
        Assert.NotEmpty(expected);
        // golden/official_nano_load.json: our input tensor is bit-exact with the official one and ONNX Runtime differs
        // from the official PyTorch model by ≤ 2.7e-6 in score and ≤ 0.014 input px (0.026 original px) in boxes.
        Assert.Equal(expected.Count, result.Detections.Count);
        var worstBox = 0f;
        foreach (var (e, a) in expected.Zip(result.Detections))
        {
            Assert.Equal(e.ClassId, a.ClassId);
            Assert.Equal(e.ClassName, a.ClassName);
            Assert.Equal(e.Score, a.Score, 2e-5f);
            AssertNear(e.Box, a.Box, 0.05f);
            worstBox = MathF.Max(worstBox, new[] { e.Box.X1 - a.Box.X1, e.Box.Y1 - a.Box.Y1, e.Box.X2 - a.Box.X2, e.Box.Y2 - a.Box.Y2 }.Max(MathF.Abs));
        }
        output.WriteLine($"{expected.Count} detections as the official pipeline; worst box corner {worstBox:G3} px");
    }

    [Fact]
    public void Onnx_backend_reproduces_the_official_raw_output_on_the_official_dog_input()
    {
        // golden/official_nano_load.json: the official PyTorch model and ONNX Runtime on golden/dog_input_416.
        var input = YoloX.Core.Weights.RawTensorFile.ReadMap(SharedAssets.Golden("dog_input_416.json"))["images"].Float32!;
        using var backend = new OnnxRuntimeBackend(SharedAssets.NanoOnnx, new OnnxRuntimeOptions(IntraOpThreads: 2));
        var raw = new float[backend.Model.OutputLength];
        backend.Run(input, 1, raw);

        using var golden = JsonDocument.Parse(File.ReadAllText(SharedAssets.Golden("official_nano_load.json")));
        var first = golden.RootElement.GetProperty("pytorch_raw_output_0_0_0to6").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        Assert.True(TensorAssert.MaxAbsDiff(first, raw.AsSpan(0, first.Length), "first row") <= 3e-4);
        // The official output's full statistics; ORT and PyTorch differ by ≤ 2.65e-4 per value (max |value| 3.62).
        var stats = golden.RootElement.GetProperty("pytorch_raw_stats");
        Assert.All(raw, v => Assert.True(float.IsFinite(v)));
        var n = raw.Length;
        var sum = raw.Sum(v => (double)v);
        var mean = sum / n;
        var std = Math.Sqrt(raw.Sum(v => (v - mean) * (v - mean)) / n);
        Assert.Equal(stats.GetProperty("shape").EnumerateArray().Aggregate(1, (p, d) => p * d.GetInt32()), n);
        Assert.Equal(stats.GetProperty("sum").GetDouble(), sum, 0.05);
        Assert.Equal(stats.GetProperty("abs_sum").GetDouble(), raw.Sum(v => Math.Abs((double)v)), 0.05);
        Assert.Equal(stats.GetProperty("min").GetDouble(), raw.Min(), 3e-4);
        Assert.Equal(stats.GetProperty("max").GetDouble(), raw.Max(), 3e-4);
        Assert.Equal(stats.GetProperty("std").GetDouble(), std, 1e-5);
        output.WriteLine($"sum {sum:F4} (official {stats.GetProperty("sum").GetDouble():F4}), std {std:G7} (official {stats.GetProperty("std").GetDouble():G7})");
    }

    internal static void AssertNear(BoundingBox expected, BoundingBox actual, float tolerance = 12f)
    {
        Assert.True(
            MathF.Abs(expected.X1 - actual.X1) <= tolerance && MathF.Abs(expected.Y1 - actual.Y1) <= tolerance &&
            MathF.Abs(expected.X2 - actual.X2) <= tolerance && MathF.Abs(expected.Y2 - actual.Y2) <= tolerance,
            $"box {actual} is not within {tolerance} px of {expected}");
    }
}
