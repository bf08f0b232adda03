using TorchSharp;
using Xunit.Abstractions;
using YoloX.Core;
using YoloX.Core.Weights;
using YoloX.Inference.Backends;
using YoloX.Testing;

namespace YoloX.Inference.Tests;

public sealed class TorchBackendTests(ITestOutputHelper output)
{
    private static YoloXDetector BuildTorchNano(string weights, float confidence = 0.3f) =>
        YoloXBuilder.Create()
            .WithModel(YoloXPreset.Nano)
            .WithWeights(weights)
            .UseTorch("cpu")
            .WithThresholds(confidence, 0.45f)
            .BuildDetector();

    [Fact]
    public void Torch_model_with_weights_imported_from_official_onnx_reproduces_onnx_runtime_raw_output()
    {
        var input = RawTensorFile.ReadMap(SharedAssets.Golden("dog_input_416.json"))["images"].Float32!;
        using var ort = new OnnxRuntimeBackend(SharedAssets.NanoOnnx, new OnnxRuntimeOptions(IntraOpThreads: 2));
        var expected = new float[ort.Model.OutputLength];
        ort.Run(input, 1, expected);

        var (model, _) = OnnxWeightsImporter.Load(SharedAssets.NanoOnnx);
        using (model)
        using (var scope = torch.NewDisposeScope())
        using (torch.no_grad())
        {
            model.eval();
            model.Head.DecodeInInference = false; // the official ONNX output is undecoded
            var raw = model.call(torch.tensor(input, [1, 3, 416, 416])).data<float>().ToArray();
            var maxDiff = TensorAssert.MaxAbsDiff(expected, raw, "raw output"); // fails on NaN/Inf, which LINQ's Max skips
            output.WriteLine($"Torch (ONNX-imported weights) vs ONNX Runtime raw output: max |diff| {maxDiff:G3}");
            Assert.True(maxDiff <= 1e-3, $"max |diff| {maxDiff}");
        }
    }

    [Fact]
    public void Torch_and_onnx_runtime_backends_find_the_same_objects_in_dog_jpg()
    {
        using var onnx = OnnxDetectorTests.BuildNano();
        using var torchDetector = BuildTorchNano(SharedAssets.NanoOnnx);
        Assert.StartsWith("torch", torchDetector.Model.Backend);
        var a = onnx.Detect(SharedAssets.DogJpg).Detections;
        var b = torchDetector.Detect(SharedAssets.DogJpg).Detections;
        Assert.Equal(a.Count, b.Count);
        foreach (var (x, y) in a.Zip(b))
        {
            output.WriteLine($"{x.ClassName}: onnx {x.Score:F4} torch {y.Score:F4} IoU {IoU(x.Box, y.Box):F5}");
            Assert.Equal(x.ClassId, y.ClassId);
            Assert.Equal(x.Score, y.Score, 1e-3f);
            Assert.True(IoU(x.Box, y.Box) >= 0.99, $"{x.ClassName}: IoU {IoU(x.Box, y.Box)}");
        }
        Assert.Contains(b, d => d.ClassName == "dog");
        Assert.Contains(b, d => d.ClassName == "bicycle");
        Assert.Contains(b, d => d.ClassName is "car" or "truck");
    }

    [Fact]
    public void Torch_backend_runs_the_official_pth_checkpoint_and_our_checkpoint_alike()
    {
        var dir = Directory.CreateTempSubdirectory("yolox-torch-").FullName;
        try
        {
            using var fromPth = BuildTorchNano(SharedAssets.Golden("yolox_nano_seed0_bncal.pth"), confidence: 0.001f);
            using var model = YoloXModel.Create(YoloXPreset.Nano);
            PyTorchCheckpoint.Load(model, SharedAssets.Golden("yolox_nano_seed0_bncal.pth"));
            var ours = Path.Combine(dir, "nano.safetensors");
            YoloXCheckpoint.Save(model, ours);
            using var fromOurs = BuildTorchNano(ours, confidence: 0.001f);
            var a = fromPth.Detect(SharedAssets.DogJpg).Detections;
            var b = fromOurs.Detect(SharedAssets.DogJpg).Detections;
            // The random-init bncal weights score low everywhere: the comparison means something only with boxes.
            Assert.True(a.Count >= 10, $"only {a.Count} detections at confidence 0.001");
            Assert.Equal(a.Select(d => (d.ClassId, d.Score, d.Box)), b.Select(d => (d.ClassId, d.Score, d.Box)));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void An_official_pth_of_three_classes_builds_a_three_class_detector_and_class_names_must_match_it()
    {
        var path = Path.Combine(Path.GetTempPath(), $"yolox-3cls-{Guid.NewGuid():N}.pth");
        try
        {
            FewerClassCheckpoint.Write(SharedAssets.Golden("yolox_nano_seed0_bncal.pth"), path, 3);
            using (var detector = YoloXBuilder.Create().WithModel(YoloXPreset.Nano).WithWeights(path).UseTorch().BuildDetector())
            {
                Assert.Equal(3, detector.Model.ClassCount);
            }
            using (var named = YoloXBuilder.Create().WithModel(YoloXPreset.Nano).WithWeights(path)
                .WithClassNames(["Platelets", "RBC", "WBC"]).UseTorch().BuildDetector())
            {
                Assert.Equal(3, named.Model.ClassCount);
            }
            var e = Assert.Throws<InvalidModelException>(() => YoloXBuilder.Create().WithModel(YoloXPreset.Nano).WithWeights(path)
                .WithClassNames(["a", "b"]).UseTorch().BuildDetector());
            Assert.Contains("cls_preds", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Pth_checkpoint_without_a_preset_is_rejected_with_a_clear_message()
    {
        var e = Assert.ThrowsAny<Exception>(() => YoloXBuilder.Create()
            .WithWeights(SharedAssets.Golden("yolox_nano_seed0_bncal.pth")).UseTorch().BuildDetector());
        Assert.IsType<InvalidModelException>(e);
        Assert.Contains("does not say which model it is; choose the preset", e.Message);
        Assert.Contains("yolox_nano_seed0_bncal.pth", e.Message);
    }

    [Fact]
    public void Torch_backend_rejects_weights_of_the_wrong_scale_naming_the_file()
    {
        var e = Assert.Throws<InvalidModelException>(() => YoloXBuilder.Create()
            .WithModel(YoloXPreset.Tiny).WithWeights(SharedAssets.Golden("yolox_nano_seed0_bncal.pth")).UseTorch().BuildDetector());
        Assert.Contains("yolox_nano_seed0_bncal.pth", e.Message);
    }

    [Fact]
    public void Asking_for_cuda_gives_the_cpu_results_or_without_a_gpu_a_clear_error()
    {
        var builder = YoloXBuilder.Create().WithModel(YoloXPreset.Nano).WithWeights(SharedAssets.NanoOnnx);
        if (!torch.cuda.is_available())
        {
            var e = Assert.Throws<InvalidOperationException>(() => builder.UseTorch("cuda").BuildDetector().Dispose());
            Assert.Contains("'cuda' was asked for, but CUDA is not available", e.Message);
            return;
        }
        // With a GPU: the same objects as on the CPU (cuDNN's convolutions differ from oneDNN's by float noise).
        using var cpu = builder.UseTorch("cpu").BuildDetector();
        using var cuda = builder.UseTorch("cuda").BuildDetector();
        var a = cpu.Detect(SharedAssets.DogJpg).Detections;
        var b = cuda.Detect(SharedAssets.DogJpg).Detections;
        Assert.Equal(a.Select(d => d.ClassId), b.Select(d => d.ClassId));
        Assert.All(a.Zip(b), p => Assert.True(IoU(p.First.Box, p.Second.Box) >= 0.99 && MathF.Abs(p.First.Score - p.Second.Score) <= 1e-3f));
    }

    private static double IoU(BoundingBox a, BoundingBox b)
    {
        var w = Math.Max(0, Math.Min(a.X2, b.X2) - Math.Max(a.X1, b.X1));
        var h = Math.Max(0, Math.Min(a.Y2, b.Y2) - Math.Max(a.Y1, b.Y1));
        var inter = w * h;
        return inter / (a.Area + b.Area - inter);
    }
}
