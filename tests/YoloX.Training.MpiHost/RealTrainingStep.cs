using TorchSharp.Modules;
using YoloX.Core;
using YoloX.Training.Distributed;
using YoloX.Training.Engine;
using YoloX.Training.Optimization;
using static TorchSharp.torch;

namespace YoloX.Training.MpiHost;

/// <summary>
/// The trainer's own <see cref="TrainingStep"/> (official SGD groups, momentum 0.9 Nesterov, weight decay 5e-4, no EMA)
/// with a chosen foreground normalisation and frozen BatchNorm statistics: <see cref="TrainingStep"/> puts the whole
/// model in train mode, so a pre-forward hook on the pyramid network puts the BatchNorm layers back in eval mode, as
/// the trainer's <c>FreezeBatchNorm</c> option does.
/// </summary>
internal sealed class RealTrainingStep : IDisposable
{
    private const double LearningRate = 0.01;
    private readonly YoloXSgd _sgd;
    private readonly TrainingStep _step;
    private readonly BucketedGradientAverager? _averager;

    public RealTrainingStep(YoloXModel model, IDistributedContext context, ForegroundNormalization normalization)
    {
        _sgd = YoloXSgd.Create(model);
        _averager = context.WorldSize > 1 ? new BucketedGradientAverager(context) : null;
        _step = new TrainingStep(model, _sgd, options: new TrainingStepOptions
        {
            Context = context,
            GradientAverager = _averager,
            ForegroundNormalization = normalization,
        });
        var norms = model.modules().OfType<BatchNorm2d>().ToList();
        model.Neck.register_forward_pre_hook((_, input) =>
        {
            foreach (var bn in norms)
                bn.eval();
            return input;
        });
    }

    public GradientAveragingStatistics? Communication => _averager?.Statistics;

    /// <summary>The local loss values, or null when the step was skipped on every rank.</summary>
    public Core.Loss.LossValues? Step(Tensor images, Tensor targets)
    {
        var result = _step.Run(images, targets, LearningRate);
        return result.Skipped ? null : result.Loss;
    }

    public void Dispose() => _sgd.Dispose();
}
