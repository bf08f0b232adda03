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
