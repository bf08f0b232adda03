using SkiaSharp;
using YoloX.Inference.Backends;
using YoloX.Inference.Processing;

namespace YoloX.Inference.Tests;

/// <summary>End-to-end through ONNX Runtime with tiny generated models whose head output is known exactly.</summary>
public sealed class FakeModelTests : IDisposable
{
    private const int Size = 64;
    private const int Classes = 2;
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Raw head rows for a 64×64 input (84 anchors): three objects, see the test for the decoded boxes.</summary>
    internal static float[] RawRows()
    {
        var rows = new float[84 * (5 + Classes)];
        void Set(int anchor, params float[] values) => values.CopyTo(rows, anchor * (5 + Classes));
        var ln2 = MathF.Log(2f);
        Set(9, 0.5f, 0.5f, ln2, ln2, 0.9f, 0.8f, 0.1f);   // stride 8, cell (1,1): box (4,4)-(20,20), class 0, 0.72
        Set(10, 0f, 0.5f, ln2, ln2, 0.8f, 0.5f, 0.85f);   // stride 8, cell (2,1): box (8,4)-(24,20), class 1, 0.68
        Set(83, 0f, 0f, 0f, 0f, 0.35f, 0.9f, 0f);          // stride 32, cell (1,1): box (16,16)-(48,48), class 0, 0.315
        return rows;
    }

    private string WriteModel(float[] rows, IReadOnlyDictionary<string, string>? metadata = null, bool dynamicBatch = true) =>
        _dir.Write($"fake{Guid.NewGuid():N}.onnx", OnnxTestModels.FakeDetector(Size, Classes, rows, metadata, dynamicBatch));

    private static YoloXDetector Build(string model, float confidence = 0.3f, bool agnostic = false) =>
        YoloXBuilder.Create().WithWeights(model).WithInputSize(Size).WithThresholds(confidence, 0.45f)
            .WithClassAgnosticNms(agnostic).BuildDetector();

    private static SKBitmap Image(int width, int height)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Bgra8888, SKAlphaType.Premul));
        bitmap.Erase(new SKColor(40, 80, 120));
        return bitmap;
    }

    [Fact]
    public void Raw_outputs_are_grid_decoded_filtered_suppressed_per_class_and_mapped_back_to_the_image()
    {
        using var detector = Build(WriteModel(RawRows()));
        using var image = Image(128, 64); // r = 0.5: input boxes × 2, y clipped to 64
        var result = detector.Detect(image, "synthetic");

        Assert.Equal(["class_0", "class_1"], detector.ClassNames);
        Assert.Collection(result.Detections,
            d => AssertDetection(d, 0, 0.72f, new BoundingBox(8, 8, 40, 40)),
            d => AssertDetection(d, 1, 0.68f, new BoundingBox(16, 8, 48, 40)),
            d => AssertDetection(d, 0, 0.315f, new BoundingBox(32, 32, 96, 64)));
    }

    [Fact]
    public void Box_clipping_can_be_turned_off_like_the_official_evaluator()
    {
        using var detector = YoloXBuilder.Create().WithWeights(WriteModel(RawRows())).WithInputSize(Size)
            .WithBoxClipping(false).BuildDetector();
        using var image = Image(128, 64);
        AssertDetection(detector.Detect(image).Detections[2], 0, 0.315f, new BoundingBox(32, 32, 96, 96));
    }

    [Fact]
    public void Class_agnostic_nms_suppresses_overlapping_boxes_of_other_classes()
    {
        using var detector = Build(WriteModel(RawRows()), agnostic: true);
        using var image = Image(64, 64);
        var result = detector.Detect(image);
        Assert.Equal([0, 0], result.Detections.Select(d => d.ClassId));
        Assert.Equal(0.72f, result.Detections[0].Score, 5);
    }

    [Fact]
    public void Confidence_threshold_is_inclusive_and_max_detections_caps_the_result()
    {
        using (var strict = Build(WriteModel(RawRows()), confidence: 0.32f))
        using (var image = Image(64, 64))
        {
            Assert.Equal(2, strict.Detect(image).Detections.Count);
        }
        var rows = RawRows();
        using var capped = YoloXBuilder.Create().WithWeights(WriteModel(rows)).WithInputSize(Size)
            .WithThresholds(0.9f * 0.8f, 0.45f).BuildDetector();
        using var img = Image(64, 64);
        Assert.Single(capped.Detect(img).Detections); // score == threshold (same float product): kept, like the official ≥
        using var one = YoloXBuilder.Create().WithWeights(WriteModel(rows)).WithInputSize(Size).WithMaxDetections(1).BuildDetector();
        Assert.Single(one.Detect(img).Detections);
    }

    [Fact]
    public void Decoded_outputs_flagged_in_metadata_are_not_grid_decoded()
    {
        var rows = new float[84 * (5 + Classes)];
        new float[] { 32f, 32f, 16f, 8f, 0.9f, 0.1f, 0.9f }.CopyTo(rows, 5 * (5 + Classes));
        using var detector = Build(WriteModel(rows, new Dictionary<string, string> { ["decoded"] = "true" }));
        Assert.True(detector.Model.OutputDecoded);
        using var image = Image(64, 64);
        var d = Assert.Single(detector.Detect(image).Detections);
        AssertDetection(d, 1, 0.81f, new BoundingBox(24, 28, 40, 36));
    }

    [Theory]
    [InlineData("[\"alpha\", \"beta\"]")]
    [InlineData("{0: 'alpha', 1: 'beta'}")]
    [InlineData("alpha,beta")]
    public void Class_names_come_from_onnx_metadata(string names)
    {
        using var detector = Build(WriteModel(RawRows(), new Dictionary<string, string> { ["names"] = names }));
        Assert.Equal(["alpha", "beta"], detector.ClassNames);
        using var image = Image(64, 64);
        Assert.Equal("alpha", detector.Detect(image).Detections[0].ClassName);
    }

    [Fact]
    public void User_class_names_override_metadata_and_must_match_the_class_count()
    {
        var model = WriteModel(RawRows(), new Dictionary<string, string> { ["names"] = "alpha,beta" });
        using (var detector = YoloXBuilder.Create().WithWeights(model).WithInputSize(Size).WithClassNames(["x", "y"]).BuildDetector())
        {
            Assert.Equal(["x", "y"], detector.ClassNames);
        }
        var e = Assert.Throws<InvalidOperationException>(() =>
            YoloXBuilder.Create().WithWeights(model).WithInputSize(Size).WithClassNames(["x", "y", "z"]).BuildDetector());
        Assert.Contains("3 class names", e.Message);
        Assert.Contains("2 classes", e.Message);
    }

    [Fact]
    public void Dynamic_batch_model_detects_several_images_in_one_forward_with_the_same_results()
    {
        using var detector = Build(WriteModel(RawRows()));
        Assert.False(detector.Model.FixedBatch);
        Assert.Equal(8, detector.BatchSize);
        using var a = Image(128, 64);
        using var b = Image(64, 64);
        using var c = Image(64, 200);
        var batch = detector.DetectBatch([a, b, c], ["a", "b", "c"]);
        Assert.Equal(["a", "b", "c"], batch.Select(r => r.Source));
        foreach (var (image, result) in new[] { a, b, c }.Zip(batch))
        {
            var single = detector.Detect(image);
            Assert.Equal(single.Detections, result.Detections);
            Assert.Equal((image.Width, image.Height), (result.Width, result.Height));
        }
    }

    [Fact]
    public void Static_batch_model_is_run_once_per_image()
    {
        using var detector = Build(WriteModel(RawRows(), dynamicBatch: false));
        Assert.True(detector.Model.FixedBatch);
        Assert.Equal(1, detector.BatchSize);
        using var a = Image(128, 64);
        using var b = Image(64, 64);
        var batch = detector.DetectBatch([a, b]);
        Assert.Equal(3, batch[0].Detections.Count);
        Assert.Equal(detector.Detect(b).Detections, batch[1].Detections);
    }

    [Fact]
    public void Dynamic_input_size_comes_from_the_builder_and_a_static_size_must_not_be_contradicted()
    {
        var staticModel = WriteModel(RawRows());
        var e = Assert.Throws<InvalidModelException>(() =>
            YoloXBuilder.Create().WithWeights(staticModel).WithInputSize(128).BuildDetector());
        Assert.Equal(staticModel, e.ModelPath);
        Assert.Contains("fixed at 64", e.Message);
    }

    private static void AssertDetection(Detection d, int classId, float score, BoundingBox box)
    {
        Assert.Equal(classId, d.ClassId);
        Assert.Equal(score, d.Score, 4);
        OnnxDetectorTests.AssertNear(box, d.Box, 1e-3f);
    }
}
