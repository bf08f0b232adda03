using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using YoloX.Core;
using YoloX.Testing;
using YoloX.Training.Data;
using YoloX.Training.Engine;
using YoloX.Training.Optimization;

namespace YoloX.Training.Tests.Engine;

/// <summary>Runs alone: the finalization counter counts the whole process's Scalars.</summary>
[CollectionDefinition(nameof(ScalarLifetimeCollection), DisableParallelization = true)]
public sealed class ScalarLifetimeCollection;

/// <summary>
/// A whole training iteration (host batch to tensors, train-mode forward with the L1 loss, backward, gradient
/// clipping, SGD, EMA) must leave no temporary TorchSharp Scalar to the finalizer: TorchSharp 0.107 does not keep an
/// implicit Scalar alive during its native call, and long runs crashed when a collection freed one mid-call (see
/// YoloX.Core's CachedScalars). The counter first proves it sees the two temporaries of <c>t.add(1.0)</c>.
/// </summary>
[Collection(nameof(ScalarLifetimeCollection))]
public sealed class TrainingStepScalarLifetimeTests(ITestOutputHelper output)
{
    [Fact]
    public void A_training_step_with_clipping_and_ema_leaves_no_Scalar_to_the_finalizer()
    {
        using var model = YoloXModel.Create(YoloXPreset.Nano, numClasses: 4);
        using var sgd = YoloXSgd.Create(model, TrainingRecipe.Default);
        using var ema = new ModelEma(model);
        var step = new TrainingStep(model, sgd, ema, new TrainingStepOptions { GradClipNorm = 1.0 }) { UseL1 = true };
        var images = new float[2 * 3 * 64 * 64];
        for (var i = 0; i < images.Length; i++)
            images[i] = i * 37 % 255;
        var targets = new float[2 * 4 * 5];
        float[] box = [1, 30, 30, 20, 24];
        box.CopyTo(targets, 0);
        box.CopyTo(targets, 20);
        var batch = new TrainBatch(images, targets, 2, 64, 64, 4, [0, 1]);
        using var counter = new ScalarFinalizationCounter();
        output.WriteLine($"control: t.add(1.0) left {counter.SelfCheck()} Scalars to the finalizer");

        for (var i = 0; i < 2; i++) // the second step also runs the SGD momentum update
        {
            var result = step.Run(batch, 0.01);
            Assert.False(result.Skipped);
        }

        Assert.True(sgd.HasMomentum);
        Assert.Equal(2, ema.Updates);
        Assert.Equal(0, counter.Settle());
    }

    [Fact]
    public void Loading_the_official_onnx_weights_for_fine_tuning_leaves_no_Scalar_to_the_finalizer()
    {
        using var model = YoloXModel.Create(YoloXPreset.Nano, numClasses: 3);
        using var counter = new ScalarFinalizationCounter();
        output.WriteLine($"control: t.add(1.0) left {counter.SelfCheck()} Scalars to the finalizer");

        // The folded ONNX weights are unfolded into conv + batch norm (running variance 1 − eps for every layer).
        var report = PretrainedWeights.LoadInto(model, SharedAssets.Asset("weights/yolox_nano.onnx"));

        Assert.NotEmpty(report.ShapeMismatches); // 80 → 3 classes: the cls_preds are skipped
        Assert.Equal(0, counter.Settle());
    }
}
