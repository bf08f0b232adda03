using TorchSharp;
using Xunit;
using YoloX.Core.Modules;
using static TorchSharp.torch;

namespace YoloX.Core.Tests;

/// <summary>Settings the model cannot honour are rejected with a message that names them, never silently ignored.</summary>
public sealed class OptionsValidationTests
{
    [Theory]
    [InlineData(8, 16, 64)]
    [InlineData(4, 8, 16)]
    [InlineData(16, 32, 64)]
    public void Strides_other_than_8_16_32_are_rejected_because_the_backbone_fixes_them(int a, int b, int c)
    {
        var config = YoloXConfig.FromPreset(YoloXPreset.Nano) with { Strides = [a, b, c], InputSize = 448 };
        var e = Assert.Throws<ArgumentException>(() => config.Validate());
        Assert.Contains("Strides", e.Message);
        Assert.Contains("8, 16, 32", e.Message);
        Assert.Throws<ArgumentException>(() => YoloXModel.Create(config).Dispose());
    }

    [Fact]
    public void Darknet53_depth_other_than_one_is_rejected()
    {
        var config = YoloXConfig.FromPreset(YoloXPreset.Darknet53) with { Depth = 0.33 };
        var e = Assert.Throws<ArgumentException>(() => config.Validate());
        Assert.Contains("Depth", e.Message);
    }

    [Fact]
    public void Darknet53_activation_other_than_leaky_relu_is_rejected()
    {
        var config = YoloXConfig.FromPreset(YoloXPreset.Darknet53) with { Activation = Activation.SiLU };
        var e = Assert.Throws<ArgumentException>(() => config.Validate());
        Assert.Contains("Activation", e.Message);
    }

    [Theory]
    [InlineData(ScalarType.Float64)]
    [InlineData(ScalarType.Int64)]
    [InlineData(ScalarType.Byte)]
    public void Model_input_of_the_wrong_dtype_is_rejected_with_a_message(ScalarType dtype)
    {
        using var model = YoloXModel.Create(YoloXPreset.Nano);
        model.eval();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var input = torch.zeros([1, 3, 64, 64], dtype);
        var e = Assert.Throws<ArgumentException>(() => model.call(input));
        Assert.Contains(dtype.ToString(), e.Message);
        Assert.Contains("Float32", e.Message);
    }

    [Theory]
    [InlineData(1, 4, 64, 64)]
    [InlineData(3, 64, 64, 0)]
    [InlineData(1, 3, 60, 64)]
    public void Model_input_of_the_wrong_shape_is_rejected_with_a_message(long a, long b, long c, long d)
    {
        using var model = YoloXModel.Create(YoloXPreset.Nano);
        model.eval();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var shape = d == 0 ? new[] { a, b, c } : new[] { a, b, c, d };
        var e = Assert.Throws<ArgumentException>(() => model.call(torch.zeros(shape)));
        Assert.Contains("[B, 3, H, W]", e.Message);
    }
}
