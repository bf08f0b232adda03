using Xunit;
using YoloX.Core;
using YoloX.Testing;
using YoloX.Training.Augmentation;
using YoloX.Training.Data;
using YoloX.Training.Engine;

namespace YoloX.Training.Tests.Engine;

public class MindYoloRecipeTests
{
    private static TrainingRecipe MindYolo => TrainingRecipe.LoadShipped("mindyolo_yolox_s");

    [Fact]
    public void Shipped_recipe_gives_loader_options_with_its_HSV_MixUp_perspective_and_last_steps()
    {
        var options = RecipeAugmentation.From(MindYolo);
        Assert.Equal(AffineStyle.Perspective, options.AffineStyle);
        Assert.Equal(FinalTransformStyle.MindYolo, options.FinalTransform);
        Assert.Equal(160, options.MaxLabels);
        Assert.Equal((0.015, 0.7, 0.4), options.FractionalHsvGains);
        Assert.Equal((8.0, 8.0), options.MixupBeta);
        Assert.Equal((1.0, 1.0), options.MixupScale);
        Assert.Equal((0.1, 1.9), options.MosaicScale);
        Assert.Equal((640, 640), options.InputSize);
    }

    [Fact]
    public void Official_recipe_keeps_the_official_HSV_and_MixUp()
    {
        var options = RecipeAugmentation.From(TrainingRecipe.ForPreset(YoloXPreset.S));
        Assert.Null(options.FractionalHsvGains);
        Assert.Null(options.MixupBeta);
        Assert.Equal((5, 30, 30), options.HsvGains);
        Assert.Equal(AffineStyle.Official, options.AffineStyle);
        Assert.Equal(FinalTransformStyle.Official, options.FinalTransform);
        Assert.Equal(120, options.MaxLabels);
    }

    [Fact]
    public void Beta_MixUp_with_a_scale_jitter_is_refused_with_the_key_named()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => RecipeAugmentation.From(MindYolo with { MixupScale = (0.5, 1.5) }));
        Assert.Equal("mixup_scale", e.ParamName);
    }

    [Fact]
    public void Loader_of_the_recipe_produces_reproducible_labelled_batches_on_coco128()
    {
        var full = DatasetIO.Read(SharedAssets.Asset("datasets/coco128"), DatasetFormat.Coco);
        var images = full.Images.Take(8).ToArray();
        var ids = images.Select(i => i.Id).ToHashSet();
        var data = new DetectionDataset(full.ClassNames, images, [.. full.Annotations.Where(a => ids.Contains(a.ImageId))],
            full.CategoryIds, full.Format, full.Source);
        var recipe = MindYolo with { InputSize = (128, 128), BatchSize = 4, Seed = 3 };
        var options = RecipeAugmentation.From(recipe);

        using var loader = new TrainDataLoader(data, options, new TrainLoaderOptions { BatchSize = 4, Seed = 3, Workers = 1 });
        var batches = loader.ReadEpoch(0).ToList();
        using var again = new TrainDataLoader(data, options, new TrainLoaderOptions { BatchSize = 4, Seed = 3, Workers = 0 });

        Assert.Equal(2, batches.Count);
        var labelled = 0;
        for (var b = 0; b < batches.Count; b++)
        {
            var batch = batches[b];
            Assert.Equal((4, 128, 128), (batch.BatchSize, batch.Height, batch.Width));
            Assert.All(batch.Images, p => Assert.InRange(p, 0f, 255f));
            for (var i = 0; i < batch.BatchSize; i++)
            {
                var row = batch.Targets.AsSpan(i * batch.MaxLabels * 5, 5);
                if (row[3] > 0 && row[4] > 0)
                    labelled++;
            }
            Assert.True(batch.Images.AsSpan().SequenceEqual(again.BuildBatch(0, b).Images), "same seed, same pixels");
            Assert.True(batch.Targets.AsSpan().SequenceEqual(again.BuildBatch(0, b).Targets), "same seed, same labels");
        }
        // Two Mosaics blended per sample: every image of coco128's first 8 has objects, so nearly all samples do.
        Assert.InRange(labelled, 6, 8);
    }

    [Fact]
    public void Two_training_iterations_run_with_the_recipe()
    {
        using var dir = new TempDir();
        var data = TrainingFixtures.Bccd(4);
        var recipe = MindYolo with
        {
            MaxEpoch = 1, WarmupEpochs = 0, NoAugEpochs = 0, BatchSize = 2, InputSize = (128, 128), TestSize = (128, 128),
            EvalInterval = 100, PrintInterval = 1, DataNumWorkers = 1, Seed = 5,
        };
        var recorder = new Recorder();
        using var model = YoloXModel.Create(YoloXPreset.S, 3);
        using var source = TrainingFixtures.Loader(data, recipe);
        using var trainer = new YoloXTrainer(model, source, data.ClassNames, recipe, TrainingFixtures.Options(dir.Path), callbacks: [recorder]);

        var result = trainer.Train();

        Assert.Equal(TrainingStopReason.Completed, result.Reason);
        Assert.Equal(2, recorder.Iterations.Count);
        Assert.All(recorder.Iterations, i => Assert.False(i.Skipped));
        Assert.All(recorder.Iterations, i => Assert.True(double.IsFinite(i.Loss.Total) && i.Loss.Total > 0, $"loss {i.Loss.Total}"));
    }
}
