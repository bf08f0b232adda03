using TorchSharp;
using Xunit;
using YoloX.Core;
using YoloX.Training.Checkpoints;
using static TorchSharp.torch;

namespace YoloX.Training.Tests.Engine;

public class CheckpointTests
{
    private static readonly string[] Names = ["Platelets", "RBC", "WBC"];

    [Fact]
    public void A_checkpoint_round_trips_model_ema_optimizer_progress_recipe_and_class_names()
    {
        using var dir = new TempDir();
        using var scope = torch.NewDisposeScope();
        using var model = TrainingFixtures.Nano(3);
        using var ema = TrainingFixtures.CopyOf(model);
        var momentum = torch.rand(7, 3);
        var progress = new TrainingProgress(4, 3, 123, 120, 0.25, 0.2, 352, 384, 9, 1, 55.5);
        var path = Path.Combine(dir.Path, TrainingCheckpoint.FileName(CheckpointKind.Latest));
        TrainingCheckpoint.Save(path, model, ema, [new("momentum/x", momentum)], progress, Names, "name: yolox_nano\n");

        Assert.True(TrainingCheckpoint.IsTrainingCheckpoint(path));
        using var data = TrainingCheckpoint.Load(path);
        Assert.Equal(progress, data.Progress);
        Assert.Equal(Names, data.ClassNames);
        Assert.Equal("name: yolox_nano\n", data.Recipe);
        Assert.Equal(model.Config.Depth, data.Config.Depth);
        Assert.Equal(YoloXPreset.Nano, data.Config.Preset);
        Assert.True(data.Optimizer["momentum/x"].allclose(momentum, 0, 0));
        Assert.NotNull(data.Ema);
        var (loaded, names) = TrainingCheckpoint.LoadModel(path);
        using (loaded)
        {
            Assert.Equal(Names, names);
            Assert.False(loaded.IsFused);
        }
        Assert.Empty(Directory.GetFiles(dir.Path, ".*tmp*"));
    }

    [Fact]
    public void A_save_that_fails_midway_leaves_the_previous_checkpoint_intact_and_no_temp_file()
    {
        using var dir = new TempDir();
        using var scope = torch.NewDisposeScope();
        using var model = TrainingFixtures.Nano(3);
        var path = Path.Combine(dir.Path, TrainingCheckpoint.FileName(CheckpointKind.Latest));
        var first = TrainingProgress.Start(1, 416, 416) with { Epoch = 1, Iteration = 37 };
        TrainingCheckpoint.Save(path, model, null, [], first, Names, "");
        var before = File.ReadAllBytes(path);

        // A tensor the format cannot store fails the write after the header and part of the data are written.
        var bad = torch.zeros(4, ScalarType.Int32);
        Assert.Throws<NotSupportedException>(() =>
            TrainingCheckpoint.Save(path, model, null, [new("momentum/bad", bad)], first with { Epoch = 2 }, Names, ""));

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(1, TrainingCheckpoint.ReadProgress(path).Epoch);
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void A_truncated_or_foreign_file_is_refused_with_a_typed_error()
    {
        using var dir = new TempDir();
        using var model = TrainingFixtures.Nano(3);
        var path = Path.Combine(dir.Path, "latest_ckpt.safetensors");
        TrainingCheckpoint.Save(path, model, null, [], TrainingProgress.Start(0, 416, 416), Names, "");
        var bytes = File.ReadAllBytes(path);
        var cut = Path.Combine(dir.Path, "cut.safetensors");
        File.WriteAllBytes(cut, bytes[..(bytes.Length / 2)]);
        Assert.Throws<CheckpointFormatException>(() => TrainingCheckpoint.Load(cut));
        var junk = Path.Combine(dir.Path, "junk.safetensors");
        File.WriteAllBytes(junk, [1, 2, 3]);
        Assert.Throws<CheckpointFormatException>(() => TrainingCheckpoint.Load(junk));
        Assert.False(TrainingCheckpoint.IsTrainingCheckpoint(junk));
    }
}
