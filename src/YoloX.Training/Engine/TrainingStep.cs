using TorchSharp;
using YoloX.Core;
using YoloX.Core.Loss;
using YoloX.Training.Data;
using YoloX.Training.Distributed;
using YoloX.Training.Optimization;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace YoloX.Training.Engine;

/// <summary>
/// One training iteration of the official trainer (<c>Trainer.train_one_iter</c>): train-mode forward with the
/// SimOTA loss, backward, [gradient averaging across ranks], optional clipping, the SGD step with the given learning
/// rate, then the EMA update. Everything runs inside a dispose scope; only numbers come out.
/// </summary>
/// <remarks>
/// A non-finite loss (NaN/∞) skips the step: nothing is back-propagated, the weights, momentum and EMA stay as they
/// were. With several ranks the decision is all-reduced, so every rank skips together and the collectives stay in
/// step. The BN running statistics of the skipped forward pass are still updated (they are updated during the
/// forward, before the loss is known), as they would be in the official code.
/// </remarks>
public sealed class TrainingStep
{
    private readonly YoloXModel model;
    private readonly YoloXSgd optimizer;
    private readonly ModelEma? ema;
    private readonly TrainingStepOptions options;
    private readonly Parameter[] parameters;

    /// <summary>Creates the step over a model, its optimiser and (optionally) its EMA.</summary>
    public TrainingStep(YoloXModel model, YoloXSgd optimizer, ModelEma? ema = null, TrainingStepOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        this.model = model;
        this.optimizer = optimizer;
        this.ema = ema;
        this.options = options ?? TrainingStepOptions.Default;
        if (this.options.Context.WorldSize > 1 && this.options.GradientAverager is null)
            throw new ArgumentException("A job with more than one rank needs a GradientAverager.", nameof(options));
        parameters = [.. optimizer.Parameters];
    }

    /// <summary>Adds the L1 loss (the official trainer turns it on at the no-aug switch).</summary>
    public bool UseL1 { get; set; }

    /// <summary>Runs one iteration on a host batch, copied to the model's device.</summary>
    public TrainingStepResult Run(TrainBatch batch, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = torch.NewDisposeScope();
        var device = parameters.Length > 0 ? parameters[0].device : torch.CPU;
        var images = HostTensors.FromFloats(batch.Images, [batch.BatchSize, 3, batch.Height, batch.Width]).to(device);
        var targets = HostTensors.FromFloats(batch.Targets, [batch.BatchSize, batch.MaxLabels, 5]).to(device);
        return Run(images, targets, learningRate);
    }

    /// <summary>
    /// Runs one iteration: <paramref name="images"/> <c>[B, 3, H, W]</c> float32 BGR 0–255 and
    /// <paramref name="targets"/> <c>[B, M, 5]</c> (class, cx, cy, w, h in pixels; zero rows pad), on the model's device.
    /// </summary>
    /// <param name="images">The batch images.</param>
    /// <param name="targets">The padded targets.</param>
    /// <param name="learningRate">The lr of this iteration (the schedule's value at the global iteration index).</param>
    public TrainingStepResult Run(Tensor images, Tensor targets, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(targets);
        optimizer.SetLearningRate(learningRate);
        using var scope = torch.NewDisposeScope();
        model.train();
        optimizer.ZeroGrad();
        var lossOptions = new YoloXLossOptions { UseL1 = UseL1, ThrowOnNonFinite = false };
        using var terms = model.ComputeLoss(images, targets, lossOptions);
        var values = terms.ToValues();
        if (!AllRanksFinite(values.IsFinite))
            return new TrainingStepResult(values, learningRate, true, null, ema?.Updates ?? 0, null);

        if (options.ForegroundNormalization == ForegroundNormalization.Global && options.Context.WorldSize > 1)
        {
            // Rescaled so that, after averaging, the gradient is the whole global batch's loss over its foreground count.
            // An explicit Scalar kept alive by using: TorchSharp 0.107 does not keep an implicit one alive during the call.
            using var scale = ForegroundNormalizationScale.Compute(options.Context, terms.NumFgAnchors, ForegroundNormalization.Global).ToScalar();
            terms.Total.mul(scale).backward();
        }
        else
            terms.Total.backward();
        if (options.Context.WorldSize > 1)
            options.GradientAverager!.Average(Gradients());
        double? norm = null;
        if (options.GradClipNorm is { } maxNorm)
            norm = GradientClipping.ClipGlobalNorm(parameters, maxNorm);
        else if (options.MeasureGradientNorm)
            norm = GradientClipping.GlobalNorm(parameters);
        optimizer.Step();
        var decay = ema?.Update(model);
        return new TrainingStepResult(values, learningRate, false, norm, ema?.Updates ?? 0, decay);
    }

    private bool AllRanksFinite(bool finite)
    {
        if (options.Context.WorldSize == 1)
            return finite;
        Span<long> flag = [finite ? 0 : 1];
        options.Context.AllReduceSum(flag);
        return flag[0] == 0;
    }

    private List<Tensor> Gradients() => [.. parameters.Select(p => p.grad).OfType<Tensor>()];
}
