using System.Text.Json;
using YoloX.Core.Profiling;
using YoloX.Testing;
using Xunit;

namespace YoloX.Core.Tests;

public class PresetInfoTests
{
    /// <summary>The seed's (MindYOLO) table as the issue quotes it: params in M, GFLOPs.</summary>
    public static TheoryData<YoloXPreset, string, double, double> SeedTable => new()
    {
        { YoloXPreset.Nano, "nano", 0.9, 1.1 },
        { YoloXPreset.Tiny, "tiny", 5.1, 6.5 },
        { YoloXPreset.S, "s", 9.0, 26.8 },
        { YoloXPreset.M, "m", 25.3, 73.8 },
        { YoloXPreset.L, "l", 54.2, 155.6 },
        { YoloXPreset.X, "x", 99.1, 281.9 },
        { YoloXPreset.Darknet53, "darknet53", 63.7, 185.3 },
    };

    [Theory]
    [MemberData(nameof(SeedTable))]
    public void Counted_params_and_flops_match_the_official_counter_exactly_and_the_seed_table(
        YoloXPreset preset, string goldenKey, double seedParamsM, double seedGFlops)
    {
        var info = YoloXPresetInfo.Get(preset);
        using var model = YoloXModel.Create(preset);
        var counted = ComplexityCounter.Measure(model);

        // Exact integers from the official model's forward-hook counter at the official test size (arch_facts.json).
        using var doc = JsonDocument.Parse(File.ReadAllText(SharedAssets.Golden("arch_facts.json")));
        var golden = doc.RootElement.GetProperty("scales").GetProperty(goldenKey);
        Assert.Equal(golden.GetProperty("test_size")[0].GetInt32(), counted.InputHeight);
        Assert.Equal(golden.GetProperty("params").GetInt64(), counted.Parameters);
        Assert.Equal(golden.GetProperty("conv_macs").GetInt64(), counted.ConvMacs);
        Assert.Equal(golden.GetProperty("conv_bias_adds").GetInt64(), counted.ConvBiasAdds);
        Assert.Equal(golden.GetProperty("bn_elems").GetInt64(), counted.BatchNormElements);
        Assert.Equal(golden.GetProperty("leakyrelu_elems").GetInt64(), counted.LeakyReluElements);
        Assert.True(double.IsFinite(counted.GFlops) && counted.GFlops > 0);

        // The official get_model_info (thop of mid-2021) printed GFLOPs to 2 decimals; ours must agree to that print.
        var printed = golden.GetProperty("thop_2021_get_model_info").GetString()!;
        var printedGFlops = double.Parse(printed[(printed.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(counted.GFlops, printedGFlops - 0.005, printedGFlops + 0.005);

        // The seed's table: params to 0.1 M and GFLOPs to 0.1 G. L's 155.6 is the 2-decimal print 155.65 rounded again
        // (155.651 → 155.65 → 155.6), so the GFLOPs bound allows 0.05 for the rounding plus 0.01 for the double rounding.
        Assert.Equal(seedParamsM, Math.Round(counted.ParametersM, 1));
        Assert.InRange(counted.GFlops, seedGFlops - 0.06, seedGFlops + 0.06);
        Assert.Equal(seedParamsM, info.SeedParamsM);
        Assert.Equal(seedGFlops, info.SeedGFlops);
        Assert.Equal(info.OfficialParameterCount, counted.Parameters);
        Assert.InRange(counted.GFlops, info.OfficialGFlops - 0.06, info.OfficialGFlops + 0.06);
    }

    [Fact]
    public void Pure_two_times_conv_macs_is_below_the_published_flops_as_the_golden_notes_say()
    {
        using var model = YoloXModel.Create(YoloXPreset.S);
        var counted = ComplexityCounter.Measure(model);
        Assert.Equal(26.686, counted.ConvGFlops, 3);
        Assert.Equal(26.806, counted.GFlops, 3);
    }

    [Fact]
    public void Flops_scale_with_input_area_and_the_count_rejects_sizes_off_the_stride_grid()
    {
        using var model = YoloXModel.Create(YoloXPreset.Nano);
        var at416 = ComplexityCounter.Measure(model, 416);
        var at832 = ComplexityCounter.Measure(model, 832);
        Assert.Equal(4 * at416.ConvMacs, at832.ConvMacs);
        Assert.Equal(at416.Parameters, at832.Parameters);
        Assert.Throws<ArgumentException>(() => ComplexityCounter.Measure(model, 400));
        Assert.True(model.training, "counting must restore the training mode it found");
    }

    [Fact]
    public void Descriptor_is_the_single_source_for_config_input_size_weights_and_categories()
    {
        Assert.Equal(Enum.GetValues<YoloXPreset>().Length, YoloXPresetInfo.All.Count);
        foreach (var info in YoloXPresetInfo.All)
        {
            Assert.Equal(info.Config with { NumClasses = 3 }, YoloXConfig.FromPreset(info.Preset, 3));
            Assert.Equal(info.Preset, info.Config.Preset);
            Assert.Equal(80, info.Categories.Count);
            Assert.Equal(2, info.WeightFiles.Count);
            Assert.StartsWith("yolox_", info.OnnxFile.FileName, StringComparison.Ordinal);
        }
        Assert.Equal(416, YoloXPresetInfo.Get(YoloXPreset.Tiny).InputSize);
        Assert.Equal(640, YoloXPresetInfo.Get(YoloXPreset.Darknet53).InputSize);
        Assert.Equal("yolox_darknet.pth", YoloXPresetInfo.Get(YoloXPreset.Darknet53).PyTorchFile.FileName);
        // The pinned checksum is the one in the shared weights' SHA256SUMS.
        var sums = File.ReadLines(SharedAssets.Asset("weights/SHA256SUMS")).Select(l => l.Split("  ")).ToDictionary(f => f[1], f => f[0]);
        Assert.Equal(sums["yolox_nano.onnx"], YoloXPresetInfo.Get(YoloXPreset.Nano).OnnxFile.Sha256);
        Assert.Equal(25.8, YoloXPresetInfo.Get(YoloXPreset.Nano).OfficialCocoAp);
        Assert.Equal(51.6, YoloXPresetInfo.Get(YoloXPreset.X).SeedCocoAp);
    }
}
