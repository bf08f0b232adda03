using Xunit;
using YoloX.Core;
using YoloX.Training.Augmentation;
using YoloX.Training.Engine;

namespace YoloX.Training.Tests;

/// <summary>The recipe: official values per preset, shipped YAML, YAML round trip, overrides and validation.</summary>
public sealed class TrainingRecipeTests
{
    [Fact]
    public void Default_recipe_holds_the_official_yolox_base_hyper_parameters()
    {
        var r = TrainingRecipe.ForPreset(YoloXPreset.S);
        Assert.Equal(300, r.MaxEpoch);
        Assert.Equal(5, r.WarmupEpochs);
        Assert.Equal(0.0, r.WarmupLr);
        Assert.Equal(0.01 / 64, r.BasicLrPerImg);
        Assert.Equal(LearningRateScheduler.YoloxWarmCos, r.Scheduler);
        Assert.Equal(0.05, r.MinLrRatio);
        Assert.Equal(15, r.NoAugEpochs);
        Assert.Equal((0.9, true, 5e-4), (r.Momentum, r.Nesterov, r.WeightDecay));
        Assert.Equal((0.9998, 2000.0), (r.EmaDecay, r.EmaRamp));
        Assert.Equal((1.0, 1.0, 1.0, 0.5), (r.MosaicProb, r.MixupProb, r.HsvProb, r.FlipProb));
        Assert.Equal((10.0, 0.1, 2.0), (r.Degrees, r.Translate, r.Shear));
        Assert.Equal((0.1, 2.0), r.MosaicScale);
        Assert.Equal((0.5, 1.5), r.MixupScale);
        Assert.Equal((15, 25), r.MultiscaleRange32()); // 640/32 ± 5
        Assert.Equal((10, 1, 0.01, 0.65), (r.EvalInterval, r.NoAugEvalInterval, r.TestConf, r.NmsThre));
        Assert.Equal(284, r.NoAugSwitchEpoch); // epoch + 1 == 300 - 15
    }

    [Theory]
    [InlineData(YoloXPreset.Nano, 0.5)]
    [InlineData(YoloXPreset.Tiny, 1.0)]
    public void Nano_and_Tiny_use_their_official_overrides(YoloXPreset preset, double mosaicProb)
    {
        var r = TrainingRecipe.ForPreset(preset);
        Assert.Equal((416, 416), r.InputSize);
        Assert.Equal((416, 416), r.TestSize);
        Assert.Equal((0.5, 1.5), r.MosaicScale);
        Assert.False(r.EnableMixup);
        Assert.Equal(mosaicProb, r.MosaicProb);
        Assert.Equal((10, 20), r.MultiscaleRange32()); // 320..640
    }

    [Fact]
    public void Every_preset_has_a_shipped_yaml_equal_to_its_recipe()
    {
        foreach (var preset in Enum.GetValues<YoloXPreset>())
        {
            var expected = TrainingRecipe.ForPreset(preset);
            Assert.Contains(expected.Name, TrainingRecipe.ShippedNames);
            var shipped = TrainingRecipe.LoadShipped(expected.Name);
            Assert.True(expected.Equals(shipped), $"{expected.Name}: shipped YAML differs:\n{shipped}\nvs\n{expected}");
        }
    }

    [Fact]
    public void MindYolo_recipe_loads_with_its_own_settings()
    {
        var r = TrainingRecipe.LoadShipped("mindyolo_yolox_s");
        Assert.Equal(YoloXPreset.S, r.Model);
        Assert.Equal(0.9999, r.EmaDecay);
        Assert.Equal(HsvGainMode.Fractional, r.HsvMode);
        Assert.Equal((0.015, 0.7, 0.4), r.HsvGains);
        Assert.Equal((8.0, 8.0), r.MixupBeta);
        Assert.Equal(AffineStyle.Perspective, r.AffineStyle);
        Assert.Equal(AffineStyle.Perspective, RecipeAugmentation.From(r).AffineStyle);
        Assert.Null(r.MultiscaleRange32());
        Assert.Equal((25, 5), (r.EvalInterval, r.NoAugEvalInterval));
    }

    [Fact]
    public void Yaml_round_trip_keeps_every_value()
    {
        var r = TrainingRecipe.ForPreset(YoloXPreset.Nano) with
        {
            Milestones = [100, 200], Scheduler = LearningRateScheduler.MultiStep, GradClipNorm = 10, MixupBeta = (8, 8),
            HsvGains = (0.015, 0.7, 0.4), HsvMode = HsvGainMode.Fractional, BasicLrPerImg = 0.01 / 64 / 3,
            AffineStyle = AffineStyle.Perspective,
        };
        var yaml = r.ToYaml();
        Assert.Contains("basic_lr_per_img:", yaml);
        Assert.Contains("milestones: [100, 200]", yaml);
        var back = TrainingRecipe.FromYaml(yaml);
        Assert.True(r.Equals(back), yaml);
        var path = Path.Combine(Path.GetTempPath(), $"recipe-{Guid.NewGuid():N}.yaml");
        try
        {
            r.Save(path);
            Assert.True(r.Equals(TrainingRecipe.Load(path)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Partial_yaml_starts_from_the_preset_named_by_its_model_key()
    {
        var r = TrainingRecipe.FromYaml("model: nano\nmax_epoch: 20\nbatch_size: 8\n");
        Assert.Equal((20, 8), (r.MaxEpoch, r.BatchSize));
        Assert.Equal(0.5, r.MosaicProb); // from the Nano preset
        var onTop = TrainingRecipe.FromYaml("max_epoch: 30", TrainingRecipe.ForPreset(YoloXPreset.Tiny));
        Assert.Equal((30, YoloXPreset.Tiny), (onTop.MaxEpoch, onTop.Model));
    }

    [Fact]
    public void Overrides_change_the_named_keys_only()
    {
        var r = TrainingRecipe.ForPreset(YoloXPreset.Nano)
            .WithOverrides("max_epoch=20", "mosaic_scale=[0.6, 1.4]", "mixup_scale=0.4,1.6", "ema=false",
                "scheduler=cos", "grad_clip_norm=5", "random_size=null", " warmup_lr = 0.001 ");
        Assert.Equal(20, r.MaxEpoch);
        Assert.Equal((0.6, 1.4), r.MosaicScale);
        Assert.Equal((0.4, 1.6), r.MixupScale);
        Assert.False(r.Ema);
        Assert.Equal(LearningRateScheduler.Cos, r.Scheduler);
        Assert.Equal(5.0, r.GradClipNorm);
        Assert.Null(r.RandomSize);
        Assert.Equal(0.001, r.WarmupLr);
        Assert.Equal((416, 416), r.InputSize);
    }

    [Theory]
    [InlineData("max_epochs=3", "max_epochs")]          // unknown key
    [InlineData("max_epoch", null)]                     // no '='
    [InlineData("max_epoch=abc", "max_epoch")]          // not a number
    [InlineData("mosaic_scale=[1]", "mosaic_scale")]    // wrong arity
    [InlineData("mosaic_prob=1.5", "mosaic_prob")]      // out of range
    [InlineData("input_size=[400, 416]", "input_size")] // not a multiple of 32
    [InlineData("scheduler=linear", "scheduler")]       // unknown schedule
    [InlineData("warmup_epochs=301", "warmup_epochs")]  // longer than the run
    [InlineData("basic_lr_per_img=nan", "basic_lr_per_img")]
    public void Bad_overrides_throw_naming_the_key(string pair, string? key)
    {
        var e = Assert.Throws<TrainingRecipeException>(() => TrainingRecipe.Default.WithOverrides(pair));
        Assert.Equal(key, e.Key);
        if (key is not null)
            Assert.Contains(key, e.Message);
    }

    [Fact]
    public void Malformed_yaml_gives_a_recipe_exception()
    {
        Assert.Throws<TrainingRecipeException>(() => TrainingRecipe.FromYaml("max_epoch: [1, 2"));
        Assert.Throws<TrainingRecipeException>(() => TrainingRecipe.FromYaml("- a\n- b\n"));
        Assert.Throws<TrainingRecipeException>(() => TrainingRecipe.FromYaml("ema:\n  decay: 0.9\n"));
        Assert.Throws<FileNotFoundException>(() => TrainingRecipe.Load("/nonexistent/recipe.yaml"));
        Assert.Throws<ArgumentException>(() => TrainingRecipe.LoadShipped("yolox_q"));
    }

    [Fact]
    public void Printed_form_lists_every_key_once()
    {
        var text = TrainingRecipe.Default.Describe();
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(TrainingRecipe.Keys.Count, lines.Length);
        foreach (var key in TrainingRecipe.Keys)
            Assert.Single(lines, l => l.StartsWith(key + " ", StringComparison.Ordinal));
        Assert.Contains("scheduler", text);
        Assert.Equal(text, TrainingRecipe.Default.ToString());
    }
}
