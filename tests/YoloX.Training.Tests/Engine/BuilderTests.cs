using Xunit;
using YoloX.Core;
using YoloX.Inference;
using YoloX.Testing;
using YoloX.Training.Checkpoints;
using YoloX.Training.Engine;

namespace YoloX.Training.Tests.Engine;

public class BuilderTests
{
    [Fact]
    public void The_fluent_builder_builds_a_trainer_that_fine_tunes_from_official_weights_and_writes_latest()
    {
        using var dir = new TempDir();
        var data = TrainingFixtures.Bccd(2);
        using var log = new StringWriter();
        using var run = YoloXBuilder.Create()
            .WithModel(YoloXPreset.Nano)
            .WithWeights(SharedAssets.NanoOnnx)
            .ForTraining(data, r => TrainingFixtures.TinyRecipe with { MaxEpoch = 1, WarmupEpochs = 0, NoAugEpochs = 0, MosaicProb = 0 })
            .WithOptions(o => o with { OutputDirectory = dir.Path, Plots = false, TensorBoard = false })
            .BuildTrainer(log);

        var result = run.Train();

        Assert.Equal(TrainingStopReason.Completed, result.Reason);
        Assert.Contains("skipped (shape): head.cls_preds.0.weight", log.ToString());
        Assert.Equal((1, 1L), (TrainingCheckpoint.ReadProgress(result.LatestCheckpoint).Epoch, TrainingCheckpoint.ReadProgress(result.LatestCheckpoint).Iteration));
    }

    [Fact]
    public void Training_without_a_model_scale_is_refused()
    {
        var data = TrainingFixtures.Bccd(2);
        Assert.Throws<InvalidOperationException>(() => YoloXBuilder.Create().WithWeights("x.onnx").ForTraining(data));
    }
}
