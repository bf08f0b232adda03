using YoloX.Testing;
using Xunit;

namespace YoloX.Core.Tests;

public class ModelZooTests
{
    [Theory]
    [InlineData(YoloXPreset.Nano)]
    [InlineData(YoloXPreset.Tiny)]
    [InlineData(YoloXPreset.S)]
    [InlineData(YoloXPreset.M)]
    [InlineData(YoloXPreset.L)]
    [InlineData(YoloXPreset.X)]
    [InlineData(YoloXPreset.Darknet53)]
    public void Preset_parameter_count_equals_the_official_count(YoloXPreset preset)
    {
        using var model = YoloXModel.Create(preset);
        Assert.Equal(YoloXConfig.OfficialParameterCount(preset), model.ParameterCount());
    }

    [Theory]
    [InlineData(YoloXPreset.Nano, "state_dict_nano.txt")]
    [InlineData(YoloXPreset.S, "state_dict_s.txt")]
    public void State_dict_keys_and_shapes_equal_the_official_listing_in_order(YoloXPreset preset, string listing)
    {
        var expected = File.ReadLines(SharedAssets.Golden(listing))
            .Where(l => !l.StartsWith('#') && l.Length > 0)
            .Select(l => l.Split('\t'))
            .Where(f => f.Length >= 3 && f[0] != "idx")
            .Select(f => (Name: f[1], Shape: f[2].Trim('[', ']', '(', ')').Replace(" ", "")))
            .ToList();
        using var model = YoloXModel.Create(preset);
        var actual = YoloX.Core.Weights.StateDict.Ordered(model)
            .Select(kv => (Name: kv.Key, Shape: string.Join(",", kv.Value.shape)))
            .ToList();
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected.Select(e => e.Name), actual.Select(a => a.Name));
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData(21)]
    [InlineData(53)]
    public void Darknet_with_YOLOFPN_gives_three_levels_at_strides_8_16_32(int depth)
    {
        using var neck = new Necks.YOLOFPN(depth);
        neck.eval();
        using var noGrad = TorchSharp.torch.no_grad();
        using var x = TorchSharp.torch.rand(1, 3, 64, 64);
        var outputs = neck.call(x);
        Assert.Equal(new long[] { 1, 128, 8, 8 }, outputs[0].shape);
        Assert.Equal(new long[] { 1, 256, 4, 4 }, outputs[1].shape);
        Assert.Equal(new long[] { 1, 512, 2, 2 }, outputs[2].shape);
        foreach (var o in outputs)
        {
            o.Dispose();
        }
    }

    [Theory]
    [InlineData(YoloXPreset.Tiny, 416, 3549)]
    [InlineData(YoloXPreset.Darknet53, 320, 2100)]
    public void Eval_output_has_one_row_per_anchor_point(YoloXPreset preset, int size, int anchors)
    {
        using var model = YoloXModel.Create(preset, numClasses: 2);
        model.eval();
        using var noGrad = TorchSharp.torch.no_grad();
        using var x = TorchSharp.torch.rand(1, 3, size, size);
        using var y = model.call(x);
        Assert.Equal(new long[] { 1, anchors, 7 }, y.shape);
    }
}
