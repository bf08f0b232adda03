using TorchSharp;
using Xunit;
using YoloX.Core;
using YoloX.Training.Data;
using YoloX.Training.Engine;
using YoloX.Training.Optimization;
using YoloX.Training.Tests.Optimization;
using static TorchSharp.torch;

namespace YoloX.Training.Tests.Engine;

/// <summary>TrainingStep behaviour beyond the golden parity: skipping non-finite losses, host batches, clipping.</summary>
public sealed class TrainingStepTests
{
    [Fact]
    public void Non_finite_loss_skips_the_step_and_changes_no_weight_momentum_or_ema()
    {
        using var model = YoloXModel.Create(YoloXPreset.Nano);
        using var sgd = YoloXSgd.Create(model, TrainingRecipe.Default);
        using var ema = new ModelEma(model);
        var step = new TrainingStep(model, sgd, ema);
        using var images = torch.full(1, 3, 64, 64, float.NaN);
        using var targets = torch.tensor(new float[] { 0, 32, 32, 20, 20 }, [1, 1, 5]);
        var before = model.parameters().Select(p => p.detach().clone()).ToArray();
        var result = step.Run(images, targets, 0.01);
        Assert.True(result.Skipped);
        Assert.False(result.Loss.IsFinite);
        Assert.Equal(0, result.EmaUpdates);
        Assert.False(sgd.HasMomentum);
        foreach (var (p, b) in model.parameters().Zip(before))
            Assert.True(p.detach().eq(b).all().item<bool>());
    }

    [Fact]
    public void Host_batch_runs_one_step_and_clipping_bounds_the_reported_norm()
    {
        using var model = YoloXModel.Create(YoloXPreset.Nano);
        using var sgd = YoloXSgd.Create(model, TrainingRecipe.Default);
        var step = new TrainingStep(model, sgd, options: new TrainingStepOptions { GradClipNorm = 1.0 });
        var images = new float[2 * 3 * 64 * 64];
        for (var i = 0; i < images.Length; i++)
            images[i] = (i * 37 % 255);
        var targets = new float[2 * 4 * 5];
        float[] box = [1, 30, 30, 20, 24];
        box.CopyTo(targets, 0);
        box.CopyTo(targets, 20);
        var batch = new TrainBatch(images, targets, 2, 64, 64, 4, [0, 1]);
        var result = step.Run(batch, 0.01);
        Assert.False(result.Skipped);
        Assert.True(result.Loss.IsFinite);
        Assert.True(result.GradientNorm > 1.0); // measured before clipping
        Assert.True(GradientClipping.GlobalNorm(sgd.Parameters) <= 1.0 + 1e-4);
        Assert.True(sgd.HasMomentum);
    }
}
