using TorchSharp;
using Xunit;
using YoloX.Core.Weights;
using static TorchSharp.torch;

namespace YoloX.Core.Tests.Weights;

public sealed class CheckpointTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("yolox-ckpt-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Round_trip_reproduces_outputs_bit_exactly_and_keeps_metadata(bool fused)
    {
        using var scope = torch.NewDisposeScope();
        using var model = GoldenNano.BnCalibratedModel();
        model.eval();
        if (fused)
        {
            model.Fuse();
        }
        var path = Path.Combine(dir, "nano.safetensors");
        var names = Enumerable.Range(0, 80).Select(i => $"class{i}").ToArray();
        YoloXCheckpoint.Save(model, path, names);

        var (loaded, metadata) = YoloXCheckpoint.Load(path);
        using (loaded)
        {
            loaded.eval();
            Assert.Equal(fused, metadata.IsFused);
            Assert.Equal(YoloXPreset.Nano, metadata.Config.Preset);
            Assert.Equal(names, metadata.ClassNames);
            using var noGrad = torch.no_grad();
            var images = GoldenNano.Images;
            Assert.True(model.forward(images).eq(loaded.forward(images)).all().item<bool>(), "outputs differ after a round trip");
        }
    }

    [Fact]
    public void Truncated_checkpoint_gives_a_format_error_naming_the_file()
    {
        using var model = YoloXModel.Create(YoloXPreset.Nano);
        var path = Path.Combine(dir, "cut.safetensors");
        YoloXCheckpoint.Save(model, path);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<WeightsFormatException>(() => YoloXCheckpoint.Load(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void A_file_that_is_not_a_checkpoint_gives_a_format_error()
    {
        var path = Path.Combine(dir, "notes.txt");
        File.WriteAllText(path, "these are not weights");
        Assert.Throws<WeightsFormatException>(() => YoloXCheckpoint.Load(path));
    }

    [Fact]
    public void Saving_over_an_existing_checkpoint_replaces_it_atomically()
    {
        using var model = YoloXModel.Create(YoloXPreset.Nano, numClasses: 3);
        var path = Path.Combine(dir, "best.safetensors");
        YoloXCheckpoint.Save(model, path, ["a", "b", "c"]);
        YoloXCheckpoint.Save(model, path, ["x", "y", "z"]);
        Assert.Equal(["x", "y", "z"], YoloXCheckpoint.ReadMetadata(path).ClassNames);
        Assert.Single(Directory.GetFiles(dir));
    }

    [Fact]
    public void Loading_weights_of_another_scale_reports_every_mismatch()
    {
        using var nano = YoloXModel.Create(YoloXPreset.Nano);
        using var tiny = YoloXModel.Create(YoloXPreset.Tiny);
        var source = StateDict.Ordered(nano).ToDictionary(kv => kv.Key, kv => kv.Value);
        var e = Assert.Throws<WeightsMismatchException>(() => StateDict.Load(tiny, source));
        Assert.NotNull(e.Report);
        Assert.NotEmpty(e.Report!.ShapeMismatches);
        var report = StateDict.Load(tiny, source, strict: false);
        Assert.False(report.IsExact);
    }

    [Fact]
    public void Weights_for_a_different_class_count_are_rejected_with_the_head_keys_named()
    {
        using var coco = YoloXModel.Create(YoloXPreset.Nano);
        using var three = YoloXModel.Create(YoloXPreset.Nano, numClasses: 3);
        var source = StateDict.Ordered(coco).ToDictionary(kv => kv.Key, kv => kv.Value);
        var e = Assert.Throws<WeightsMismatchException>(() => StateDict.Load(three, source));
        Assert.Contains("head.cls_preds.0.weight", e.Message);
    }
}
