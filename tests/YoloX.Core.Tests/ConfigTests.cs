using Xunit;

namespace YoloX.Core.Tests;

public class ConfigTests
{
    [Theory]
    [InlineData("nano", YoloXPreset.Nano)]
    [InlineData("yolox-s", YoloXPreset.S)]
    [InlineData("YOLOX_L", YoloXPreset.L)]
    [InlineData("darknet53", YoloXPreset.Darknet53)]
    [InlineData("yolov3", YoloXPreset.Darknet53)]
    public void Preset_names_parse_in_official_spellings(string name, YoloXPreset expected)
    {
        Assert.True(YoloXConfig.TryParsePreset(name, out var preset));
        Assert.Equal(expected, preset);
    }

    [Theory]
    [InlineData("huge")]
    [InlineData("7")]
    public void Unknown_preset_names_do_not_parse(string name) => Assert.False(YoloXConfig.TryParsePreset(name, out _));

    [Fact]
    public void Custom_depth_width_and_class_count_build_a_consistent_model()
    {
        var config = YoloXConfig.FromPreset(YoloXPreset.S, numClasses: 3) with { Depth = 0.5, Width = 0.125 };
        using var model = YoloXModel.Create(config);
        Assert.Equal(3, model.NumClasses);
        using var x = TorchSharp.torch.rand(1, 3, 64, 64);
        model.eval();
        using var y = model.forward(x);
        Assert.Equal(new long[] { 1, 64 + 16 + 4, 8 }, y.shape);
    }

    [Theory]
    [InlineData(0, 0.25, 80, 416, "Depth and Width must be positive (were 0, 0.25)")]
    [InlineData(0.33, 0.25, 0, 416, "NumClasses must be at least 1 (was 0)")]
    [InlineData(0.33, 0.25, 80, 400, "InputSize must be a positive multiple of 32 (was 400)")]
    [InlineData(0.33, 0.3, 80, 416, "Width 0.3 gives inconsistent channels")]
    public void Invalid_configurations_are_rejected_with_a_clear_message(double depth, double width, int classes, int size, string message)
    {
        var config = new YoloXConfig { Depth = depth, Width = width, NumClasses = classes, InputSize = size };
        var e = Assert.Throws<ArgumentException>(() => YoloXModel.Create(config));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Images_of_the_wrong_shape_are_rejected_before_reaching_libtorch()
    {
        using var model = YoloXModel.Create(YoloXPreset.Nano);
        model.eval();
        using var x = TorchSharp.torch.rand(1, 3, 100, 100);
        Assert.Contains("multiples of 32, got 100×100", Assert.Throws<ArgumentException>(() => model.forward(x)).Message);
        using var gray = TorchSharp.torch.rand(1, 1, 64, 64);
        Assert.Contains("[B, 3, H, W], got [1, 1, 64, 64]", Assert.Throws<ArgumentException>(() => model.forward(gray)).Message);
    }

    [Fact]
    public void Head_biases_start_at_the_official_prior_of_one_percent()
    {
        using var model = YoloXModel.Create(YoloXPreset.Nano);
        var sd = YoloX.Core.Weights.StateDict.Ordered(model).ToDictionary(kv => kv.Key, kv => kv.Value);
        var expected = -Math.Log(0.99 / 0.01);
        Assert.Equal(expected, sd["head.cls_preds.0.bias"][0].item<float>(), 5);
        Assert.Equal(expected, sd["head.obj_preds.2.bias"][0].item<float>(), 5);
    }
}
