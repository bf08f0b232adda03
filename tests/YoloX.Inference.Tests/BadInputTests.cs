using YoloX.Core;
using YoloX.Inference.Backends;
using YoloX.Inference.Weights;
using YoloX.Testing;

namespace YoloX.Inference.Tests;

/// <summary>Bad images, models and weights fail with typed exceptions naming the file, and the detector stays usable.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Truncated_jpeg_throws_ImageDecodeException_naming_the_file_and_the_detector_keeps_working()
    {
        using var detector = OnnxDetectorTests.BuildNano();
        var bytes = File.ReadAllBytes(SharedAssets.DogJpg);
        var truncated = _dir.Write("truncated.jpg", bytes[..(bytes.Length / 3)]);

        var e = Assert.Throws<ImageDecodeException>(() => detector.Detect(truncated));
        Assert.Equal(truncated, e.ImageSource);
        Assert.Contains("truncated", e.Message);
        Assert.Contains(truncated, e.Message);
        Assert.Contains(detector.Detect(SharedAssets.DogJpg).Detections, d => d.ClassName == "dog");
    }

    [Fact]
    public void Corrupt_header_and_non_image_files_throw_ImageDecodeException()
    {
        using var detector = OnnxDetectorTests.BuildNano();
        var text = _dir.Write("notes.jpg", "this is not an image"u8.ToArray());
        var e = Assert.Throws<ImageDecodeException>(() => detector.Detect(text));
        Assert.Contains("not a recognised image format", e.Message);
        Assert.Contains(text, e.Message);

        var headerOnly = File.ReadAllBytes(SharedAssets.DogJpg)[..20];
        var e2 = Assert.Throws<ImageDecodeException>(() => detector.Detect(headerOnly, "header-only.jpg"));
        Assert.Equal("header-only.jpg", e2.ImageSource);
        Assert.Throws<ImageDecodeException>(() => detector.Detect(ReadOnlySpan<byte>.Empty, "empty"));
        Assert.NotEmpty(detector.Detect(SharedAssets.DogJpg).Detections);
    }

    [Fact]
    public void Missing_image_throws_FileNotFoundException_with_the_path()
    {
        using var detector = OnnxDetectorTests.BuildNano();
        var missing = _dir.File("missing.jpg");
        var e = Assert.Throws<FileNotFoundException>(() => detector.Detect(missing));
        Assert.Equal(missing, e.FileName);
    }

    [Fact]
    public void Onnx_model_with_an_image_output_is_rejected_as_not_a_yolox_detector()
    {
        var path = _dir.Write("identity4d.onnx", OnnxTestModels.Identity4D());
        var e = Assert.Throws<InvalidModelException>(() => new OnnxRuntimeBackend(path));
        Assert.Equal(path, e.ModelPath);
        Assert.Contains("[B, N, 5 + C]", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Onnx_model_with_a_vector_input_is_rejected()
    {
        var path = _dir.Write("identity2d.onnx", OnnxTestModels.Identity2D());
        var e = Assert.Throws<InvalidModelException>(() => YoloXBuilder.Create().WithWeights(path).BuildDetector());
        Assert.Contains("[B, 3, H, W]", e.Message);
    }

    [Fact]
    public void Garbage_onnx_file_is_rejected_with_the_runtime_reason()
    {
        var path = _dir.Write("garbage.onnx", "definitely not protobuf"u8.ToArray());
        var e = Assert.Throws<InvalidModelException>(() => new OnnxRuntimeBackend(path));
        Assert.Contains("cannot load", e.Message);
        Assert.Equal(path, e.ModelPath);
    }

    [Fact]
    public void Output_rows_that_do_not_match_the_strides_are_rejected()
    {
        var rows = new float[50 * 7]; // 50 anchors: no 64×64 (84) layout
        var path = _dir.Write("wrong_n.onnx", OnnxTestModels.FakeDetector(64, 2, rows));
        var e = Assert.Throws<InvalidModelException>(() => new OnnxRuntimeBackend(path, null, (64, 64)));
        Assert.Contains("50 rows", e.Message);
        Assert.Contains("84 anchors", e.Message);
    }

    [Fact]
    public void Golden_seed0_nano_onnx_is_accepted_as_a_raw_80_class_detector()
    {
        using var backend = new OnnxRuntimeBackend(SharedAssets.Golden("yolox_nano_seed0_bncal.onnx"));
        Assert.Equal((416, 416, 3549, 80), (backend.Model.InputWidth, backend.Model.InputHeight, backend.Model.AnchorCount, backend.Model.ClassCount));
        Assert.False(backend.Model.OutputDecoded);
        Assert.True(backend.Model.FixedBatch);
    }

    [Fact]
    public void Missing_weights_file_throws_WeightsNotFoundException_naming_it()
    {
        var missing = _dir.File("nowhere/yolox_custom.onnx");
        var e = Assert.Throws<WeightsNotFoundException>(() => YoloXBuilder.Create().WithWeights(missing).BuildDetector());
        Assert.Contains(missing, e.Message);
    }

    [Fact]
    public void Unavailable_execution_provider_is_rejected_with_the_available_ones()
    {
        var e = Assert.Throws<ExecutionProviderUnavailableException>(() =>
            new OnnxRuntimeBackend(SharedAssets.NanoOnnx, new OnnxRuntimeOptions(OnnxExecutionProvider.Cuda)));
        Assert.Equal("CUDAExecutionProvider", e.Provider);
        Assert.Contains("CPUExecutionProvider", e.Available);
        Assert.Contains("CPUExecutionProvider", e.Message);
    }

    [Fact]
    public void Builder_rejects_invalid_settings_at_build_with_every_problem_listed()
    {
        var e = Assert.Throws<InvalidOperationException>(() => YoloXBuilder.Create()
            .WithWeights(SharedAssets.NanoOnnx).WithThresholds(1.5f, 0f).WithInputSize(100).WithMaxDetections(0).BuildDetector());
        Assert.Contains("confidence threshold 1.5", e.Message);
        Assert.Contains("NMS threshold 0", e.Message);
        Assert.Contains("100×100", e.Message);
        Assert.Contains("detections 0", e.Message);

        Assert.Contains("no weights", Assert.Throws<InvalidOperationException>(() => YoloXBuilder.Create().BuildDetector()).Message);
        Assert.Contains("UseTorch", Assert.Throws<InvalidOperationException>(() =>
            YoloXBuilder.Create().WithWeights("yolox_s.pth").UseOnnxRuntime().BuildDetector()).Message);
    }

    [Fact]
    public void Builder_is_immutable_each_method_returns_a_new_builder()
    {
        var baseBuilder = YoloXBuilder.Create().WithWeights(SharedAssets.NanoOnnx);
        var strict = baseBuilder.WithThresholds(0.9f, 0.5f);
        var torchBuilder = baseBuilder.UseTorch("cpu");
        Assert.Equal(0.3f, baseBuilder.BuildOptions().Postprocess.Confidence);
        Assert.Equal(0.9f, strict.BuildOptions().Postprocess.Confidence);
        using var onnx = baseBuilder.BuildDetector();
        using var torch = torchBuilder.BuildDetector();
        Assert.StartsWith("onnxruntime", onnx.Model.Backend);
        Assert.StartsWith("torch", torch.Model.Backend);
    }

    [Fact]
    public void Builder_resolves_official_weights_by_preset_from_the_weights_directory()
    {
        var resolver = new WeightsResolverOptions
        {
            WeightsDirectory = Path.GetDirectoryName(SharedAssets.NanoOnnx), CacheDirectory = _dir.Path, AllowDownload = false,
        };
        using var detector = YoloXBuilder.Create().WithModel(YoloXPreset.Nano).WithWeightsResolver(resolver).BuildDetector();
        Assert.Equal(Path.GetFullPath(SharedAssets.NanoOnnx), detector.Model.Source);
        Assert.Equal(416, detector.Model.InputWidth);
    }
}
