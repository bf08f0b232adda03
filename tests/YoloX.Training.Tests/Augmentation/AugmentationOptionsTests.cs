using Xunit;
using YoloX.Training.Augmentation;
using YoloX.Training.Data;

namespace YoloX.Training.Tests.Augmentation;

public sealed class AugmentationOptionsTests
{
    [Fact]
    public void Presets_carry_the_official_hyper_parameters()
    {
        var d = AugmentationOptions.Default;
        Assert.Equal((640, 640), d.InputSize);
        Assert.Equal((1.0, 1.0, 1.0, 0.5), (d.MosaicProb, d.MixupProb, d.HsvProb, d.FlipProb));
        Assert.Equal((10.0, 0.1, 2.0), (d.Degrees, d.Translate, d.Shear));
        Assert.Equal((0.1, 2.0), d.MosaicScale);
        Assert.Equal((0.5, 1.5), d.MixupScale);
        Assert.True(d.EnableMixup);
        Assert.Equal(120, d.MaxLabels);
        Assert.Equal((5, 30, 30), d.HsvGains);
        var nano = AugmentationOptions.Nano;
        Assert.Equal(((416, 416), 0.5, (0.5, 1.5), false), (nano.InputSize, nano.MosaicProb, nano.MosaicScale, nano.EnableMixup));
        var tiny = AugmentationOptions.Tiny;
        Assert.Equal(((416, 416), 1.0, (0.5, 1.5), false), (tiny.InputSize, tiny.MosaicProb, tiny.MosaicScale, tiny.EnableMixup));
    }

    [Fact]
    public void Invalid_settings_are_rejected_naming_the_official_key()
    {
        Assert.Equal("mosaic_prob", Assert.Throws<ArgumentOutOfRangeException>(() => (AugmentationOptions.Default with { MosaicProb = 1.5 }).Validate()).ParamName);
        Assert.Equal("flip_prob", Assert.Throws<ArgumentOutOfRangeException>(() => (AugmentationOptions.Default with { FlipProb = double.NaN }).Validate()).ParamName);
        Assert.Equal("mosaic_scale", Assert.Throws<ArgumentOutOfRangeException>(() => (AugmentationOptions.Default with { MosaicScale = (0, 1) }).Validate()).ParamName);
        Assert.Equal("mixup_scale", Assert.Throws<ArgumentOutOfRangeException>(() => (AugmentationOptions.Default with { MixupScale = (2, 1) }).Validate()).ParamName);
        Assert.Equal("max_labels", Assert.Throws<ArgumentOutOfRangeException>(() => (AugmentationOptions.Default with { MaxLabels = 0 }).Validate()).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => (AugmentationOptions.Default with { InputSize = (0, 640) }).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainLoaderOptions { BatchSize = 0 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainLoaderOptions { PrefetchBatches = 0 }.Validate());
    }

    [Fact]
    public void An_empty_dataset_fails_clearly_and_negatives_only_give_zero_labels()
    {
        var empty = new DetectionDataset(["a"], [], []);
        Assert.Throws<DatasetFormatException>(() => new TrainDataLoader(empty, AugmentationOptions.Nano, new TrainLoaderOptions()));

        // Only negative images: Mosaic runs, no box means no MixUp draw and no TrainTransform draws, zero labels.
        var pipeline = new MosaicDetection(AugmentationOptions.Default with { InputSize = (64, 64) }, new OnlyNegatives());
        var sample = pipeline.Apply(0, new SeededRandomSource(1));
        Assert.Equal(0, sample.LabelCount);
        Assert.All(sample.Labels, v => Assert.Equal(0f, v));
        Assert.Equal((64, 64), (sample.Image.Width, sample.Image.Height));
    }

    private sealed class OnlyNegatives : IDetectionSampleSource
    {
        public int Count => 2;
        public bool HasBoxes(int index) => false;
        public LabeledImage Load(int index) => new(BgrImage.Filled(40, 30, 50), []);
    }
}
