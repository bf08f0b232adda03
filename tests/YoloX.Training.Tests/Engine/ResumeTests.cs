using Xunit;
using YoloX.Core.Weights;
using YoloX.Training.Checkpoints;
using YoloX.Training.Engine;

namespace YoloX.Training.Tests.Engine;

public class ResumeTests
{
    [Fact]
    [Trait("Category", "Slow")] // 12 real training iterations: ~35 s on 2 busy cores
    public void Cancelled_mid_epoch_then_resumed_reproduces_every_iteration_loss_and_the_final_weights()
    {
        var data = TrainingFixtures.Bccd(4);
        using var dirA = new TempDir();
        using var dirB = new TempDir();

        // A: uninterrupted, 3 epochs × 2 iterations.
        var full = new Recorder();
        using var init = TrainingFixtures.Nano(3);
        using var modelA = TrainingFixtures.CopyOf(init);
        using (var source = TrainingFixtures.Loader(data, TrainingFixtures.TinyRecipe))
        using (var trainer = new YoloXTrainer(modelA, source, data.ClassNames, TrainingFixtures.TinyRecipe, TrainingFixtures.Options(dirA.Path), callbacks: [full]))
        {
            Assert.Equal(TrainingStopReason.Completed, trainer.Train().Reason);
        }

        // B: the same run cancelled after iteration 2 (epoch 2, first batch): a mid-epoch latest checkpoint.
        var first = new Recorder(cancelAfter: 2);
        using (var modelB = TrainingFixtures.CopyOf(init))
        using (var source = TrainingFixtures.Loader(data, TrainingFixtures.TinyRecipe))
        using (var trainer = new YoloXTrainer(modelB, source, data.ClassNames, TrainingFixtures.TinyRecipe, TrainingFixtures.Options(dirB.Path), callbacks: [first]))
        {
            var stopped = trainer.Train(first.Cancel.Token);
            Assert.Equal(TrainingStopReason.Cancelled, stopped.Reason);
            Assert.Equal((1, 1, 3L), (stopped.Progress.Epoch, stopped.Progress.BatchInEpoch, stopped.Progress.Iteration));
        }

        // C: a differently initialised model resumed from B's latest continues exactly.
        var second = new Recorder();
        using var modelC = TrainingFixtures.Nano(3);
        using (var source = TrainingFixtures.Loader(data, TrainingFixtures.TinyRecipe))
        using (var trainer = new YoloXTrainer(modelC, source, data.ClassNames, TrainingFixtures.TinyRecipe, TrainingFixtures.Options(dirB.Path), callbacks: [second]))
        {
            trainer.Resume(dirB.Path);
            Assert.Equal(TrainingStopReason.Completed, trainer.Train().Reason);
        }

        var resumed = first.Iterations.Concat(second.Iterations).ToList();
        Assert.Equal(full.Iterations.Select(i => i.Iteration), resumed.Select(i => i.Iteration));
        Assert.Contains(full.Iterations, i => i.InputHeight != 128); // multiscale was exercised
        Assert.Contains(full.Iterations, i => i.Loss.L1 > 0);        // and the L1 switch
        foreach (var (a, b) in full.Iterations.Zip(resumed))
        {
            Assert.Equal((a.InputHeight, a.InputWidth, a.LearningRate), (b.InputHeight, b.InputWidth, b.LearningRate));
            foreach (var (x, y) in new[] { (a.Loss.Total, b.Loss.Total), (a.Loss.IoU, b.Loss.IoU), (a.Loss.Objectness, b.Loss.Objectness), (a.Loss.Classification, b.Loss.Classification), (a.Loss.L1, b.Loss.L1) })
            {
                Assert.True(double.IsFinite(x) && double.IsFinite(y), $"iteration {a.Iteration}: non-finite loss {x} / {y}");
                Assert.True(Math.Abs(x - y) <= 1e-4 * Math.Max(1, Math.Abs(x)), $"iteration {a.Iteration}: {x} vs {y}");
            }
        }
        var weightsA = StateDict.Ordered(modelA).ToDictionary(kv => kv.Key, kv => kv.Value);
        foreach (var (key, value) in StateDict.Ordered(modelC))
        {
            var diff = (value.to_type(TorchSharp.torch.ScalarType.Float64) - weightsA[key].to_type(TorchSharp.torch.ScalarType.Float64)).abs().max().item<double>();
            Assert.True(diff <= 1e-5, $"{key}: max difference {diff}");
        }
        var final = TrainingCheckpoint.ReadProgress(Path.Combine(dirB.Path, TrainingCheckpoint.FileName(CheckpointKind.Latest)));
        Assert.Equal((3, 0, 6L, 6L), (final.Epoch, final.BatchInEpoch, final.Iteration, final.EmaUpdates));
    }
}
