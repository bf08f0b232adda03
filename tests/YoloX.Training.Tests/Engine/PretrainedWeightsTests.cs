using TorchSharp;
using Xunit;
using YoloX.Core;
using YoloX.Core.Weights;
using YoloX.Testing;
using YoloX.Training.Engine;

namespace YoloX.Training.Tests.Engine;

public class PretrainedWeightsTests
{
    [Fact]
    public void Official_onnx_unfolded_into_an_unfused_model_gives_the_fused_models_output_in_eval_mode()
    {
        using var scope = torch.NewDisposeScope();
        var (fused, _) = OnnxWeightsImporter.Load(SharedAssets.NanoOnnx);
        using var _f = fused;
        using var unfused = YoloXModel.Create(YoloXPreset.Nano, 80);
        var report = PretrainedWeights.LoadInto(unfused, SharedAssets.NanoOnnx);
        Assert.True(report.IsExact, report.ToString());
        Assert.False(unfused.IsFused);
        unfused.eval();
        torch.random.manual_seed(3);
        var images = torch.rand(1, 3, 128, 160) * 255;
        using var noGrad = torch.no_grad();
        var expected = fused.call(images);
        var actual = unfused.call(images);
        var diff = (expected - actual).abs().max().item<float>();
        Assert.True(float.IsFinite(diff) && diff < 1e-3f, $"max difference {diff}");
    }

    [Fact]
    public void Another_class_count_loads_everything_but_the_class_predictions_and_reports_each_skipped_tensor()
    {
        using var model = YoloXModel.Create(YoloXPreset.Nano, 3);
        var before = model.Head.named_parameters().First(p => p.name == "cls_preds.0.weight").parameter.clone();
        var report = PretrainedWeights.LoadInto(model, SharedAssets.NanoOnnx);
        Assert.Equal(6, report.ShapeMismatches.Count);
        Assert.All(report.ShapeMismatches, k => Assert.StartsWith("head.cls_preds.", k));
        Assert.Empty(report.Unexpected);
        var text = PretrainedWeights.Describe(report, SharedAssets.NanoOnnx);
        Assert.Contains("head.cls_preds.2.bias", text);
        var after = model.Head.named_parameters().First(p => p.name == "cls_preds.0.weight").parameter;
        Assert.True(before.allclose(after, 0, 0), "a skipped tensor must keep its fresh init");
    }

    [Fact]
    public void Weights_of_another_architecture_are_refused_with_a_typed_error()
    {
        using var model = YoloXModel.Create(YoloXPreset.S, 3);
        Assert.ThrowsAny<Exception>(() => PretrainedWeights.LoadInto(model, SharedAssets.NanoOnnx));
    }
}
