using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using YoloX.Core.Weights;
using YoloX.Testing;
using static TorchSharp.torch;

namespace YoloX.Core.Tests.Weights;

public class ImportTests(ITestOutputHelper output)
{
    [Fact]
    public void Official_trainer_pth_checkpoint_loads_and_reproduces_the_golden_outputs()
    {
        using var scope = torch.NewDisposeScope();
        using var model = YoloXModel.Create(YoloXPreset.Nano);
        var report = PyTorchCheckpoint.Load(model, SharedAssets.Golden("yolox_nano_seed0_bncal.pth"));
        Assert.True(report.IsExact, report.ToString());
        model.eval();
        using var noGrad = torch.no_grad();
        using var reference = GoldenNano.BnCalibratedModel();
        reference.eval();
        var images = GoldenNano.Images;
        // The .pth holds bitwise the nano_bncal weights, so the outputs must be identical, not just close.
        Assert.True(model.call(images).eq(reference.call(images)).all().item<bool>());
        var err = TensorAssert.Close(GoldenNano.BnCal_("decoded"), model.call(images), 0.05, 1e-3, "decoded vs golden");
        output.WriteLine($"pth → decoded max |diff| vs official {err:G3}");
    }

    [Fact]
    public void Pth_checkpoint_of_another_class_count_is_rejected_with_the_keys_named()
    {
        using var model = YoloXModel.Create(YoloXPreset.Nano, numClasses: 3);
        var e = Assert.Throws<WeightsMismatchException>(() => PyTorchCheckpoint.Load(model, SharedAssets.Golden("yolox_nano_seed0_bncal.pth")));
        Assert.Contains("cls_preds", e.Message);
        Assert.Contains("yolox_nano_seed0_bncal.pth", e.Message);
    }

    [Fact]
    public void Pth_checkpoint_of_another_class_count_loads_the_rest_when_fine_tuning()
    {
        using var model = YoloXModel.Create(YoloXPreset.Nano, numClasses: 3);
        var report = PyTorchCheckpoint.Load(model, SharedAssets.Golden("yolox_nano_seed0_bncal.pth"), skipMismatchedShapes: true);
        Assert.Equal(6, report.ShapeMismatches.Count); // cls_preds.{0,1,2}.{weight,bias}
    }

    [Fact]
    public void An_official_checkpoint_of_three_classes_loads_as_a_three_class_model_with_the_same_outputs()
    {
        var path = Path.Combine(Path.GetTempPath(), $"yolox-3cls-{Guid.NewGuid():N}.pth");
        try
        {
            FewerClassCheckpoint.Write(SharedAssets.Golden("yolox_nano_seed0_bncal.pth"), path, 3);
            using var scope = torch.NewDisposeScope();
            using var three = PyTorchCheckpoint.LoadModel(path, YoloXPreset.Nano);
            using var full = PyTorchCheckpoint.LoadModel(SharedAssets.Golden("yolox_nano_seed0_bncal.pth"), YoloXPreset.Nano);
            Assert.Equal(3, three.Config.NumClasses);
            Assert.Equal(80, full.Config.NumClasses);
            three.eval();
            full.eval();
            using var noGrad = torch.no_grad();
            var a = three.call(GoldenNano.Images);
            var b = full.call(GoldenNano.Images).narrow(-1, 0, 8); // boxes, objectness, the first three classes
            Assert.Equal(b.shape, a.shape);
            var diff = (a - b).abs().max().item<float>();
            Assert.True(diff <= 1e-5f, $"max |3-class − 80-class| = {diff}"); // NaN fails too
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void An_official_checkpoint_asked_for_a_class_count_its_head_does_not_have_is_rejected_naming_the_head()
    {
        var e = Assert.Throws<WeightsMismatchException>(() =>
            PyTorchCheckpoint.LoadModel(SharedAssets.Golden("yolox_nano_seed0_bncal.pth"), YoloXPreset.Nano, numClasses: 3));
        Assert.Contains("cls_preds", e.Message);
        Assert.Contains("yolox_nano_seed0_bncal.pth", e.Message);
    }

    [Fact]
    public void A_file_that_is_not_a_pth_checkpoint_gives_a_format_error()
    {
        using var model = YoloXModel.Create(YoloXPreset.Nano);
        Assert.Throws<WeightsFormatException>(() => PyTorchCheckpoint.Load(model, SharedAssets.Golden("nano_train.json")));
    }

    [Fact]
    public void Golden_onnx_export_imports_onto_the_fused_model_and_reproduces_the_golden_outputs()
    {
        using var scope = torch.NewDisposeScope();
        var (model, info) = OnnxWeightsImporter.Load(SharedAssets.Golden("yolox_nano_seed0_bncal.onnx"));
        using (model)
        {
            Assert.Equal(YoloXPreset.Nano, info.Config.Preset);
            Assert.Equal(80, info.Config.NumClasses);
            Assert.Equal(113, info.ConvCount);
            Assert.True(model.IsFused);
            using var noGrad = torch.no_grad();
            var decoded = model.call(GoldenNano.Images);
            var boxes = TensorAssert.Close(GoldenNano.BnCal_("decoded")[.., .., ..4], decoded[.., .., ..4], 0.05, 1e-3, "boxes");
            var probs = TensorAssert.Close(GoldenNano.BnCal_("decoded")[.., .., 4..], decoded[.., .., 4..], 5e-4, 0, "probabilities");
            output.WriteLine($"onnx import: boxes max |diff| {boxes:G3}, probabilities {probs:G3}");
        }
    }

    [Fact]
    public void Official_yolox_nano_onnx_imports_as_the_nano_preset()
    {
        var (model, info) = OnnxWeightsImporter.Load(SharedAssets.NanoOnnx);
        using (model)
        {
            Assert.Equal(YoloXPreset.Nano, info.Config.Preset);
            Assert.Equal(113, info.ConvCount);
        }
    }

    [Fact]
    public void Onnx_weights_forced_onto_the_wrong_scale_are_rejected_with_the_convolution_named()
    {
        var e = Assert.Throws<WeightsMismatchException>(() =>
            OnnxWeightsImporter.Load(SharedAssets.NanoOnnx, YoloXConfig.FromPreset(YoloXPreset.Tiny)));
        Assert.Contains("yolox_nano.onnx", e.Message);
    }

    [Fact]
    public void A_file_that_is_not_onnx_gives_a_format_error()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, [0xFF, 0xFF, 0xFF, 0x01, 0x02]);
            Assert.ThrowsAny<Exception>(() => OnnxWeightsImporter.Load(path));
            var e = Record.Exception(() => OnnxWeightsImporter.Load(path));
            Assert.True(e is WeightsFormatException or WeightsMismatchException, e?.GetType().Name);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
