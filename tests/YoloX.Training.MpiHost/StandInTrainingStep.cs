using TorchSharp;
using TorchSharp.Modules;
using YoloX.Core;
using YoloX.Core.Loss;
using YoloX.Training.Distributed;
using static TorchSharp.torch;

namespace YoloX.Training.MpiHost;

/// <summary>
/// One data-parallel training iteration, written for these tests from the seams alone: train-mode forward with frozen
/// BatchNorm statistics, SimOTA loss, non-finite loss → every rank skips, loss rescaled for the chosen foreground
/// normalisation, backward, gradients averaged over the ranks, SGD step. It stands in for the trainer's own
/// TrainingStep (branch optim) so the distributed pieces are proven independently of it.
/// </summary>
internal sealed class StandInTrainingStep : IDisposable
{
    private readonly YoloXModel _model;
    private readonly IDistributedContext _context;
    private readonly ForegroundNormalization _normalization;
    private readonly BucketedGradientAverager _averager;
    private readonly optim.Optimizer _optimizer;
    private readonly List<Parameter> _parameters;

    public StandInTrainingStep(YoloXModel model, IDistributedContext context, ForegroundNormalization normalization,
        double lr = 0.01)
    {
        _model = model;
        _context = context;
        _normalization = normalization;
        _averager = new BucketedGradientAverager(context);
        _parameters = [.. model.parameters()];
        _optimizer = optim.SGD(_parameters, lr, momentum: 0.9, weight_decay: 5e-4, nesterov: true);
        FreezeBatchNorm(model);
    }

    public GradientAveragingStatistics Communication => _averager.Statistics;

    /// <summary>Train mode, but every BatchNorm normalises with its running statistics and does not update them.</summary>
    public static void FreezeBatchNorm(nn.Module model)
    {
        model.train();
        foreach (var (_, m) in model.named_modules())
        {
            if (m is BatchNorm2d bn)
                bn.eval();
        }
    }

    /// <summary>Returns the local loss values and fg count, or null when the step was skipped on every rank.</summary>
    public (LossValues Loss, double Scale)? Step(Tensor images, Tensor targets)
    {
        using var scope = NewDisposeScope();
        _optimizer.zero_grad();
        var terms = _model.ComputeLoss(images, targets, new YoloXLossOptions { ThrowOnNonFinite = false });
        var values = terms.ToValues();
        if (!_context.AllRanksAgree(values.IsFinite))
            return null;
        var scale = ForegroundNormalizationScale.Compute(_context, terms.NumFgAnchors, _normalization);
        (terms.Total * scale).backward();
        if (_context.WorldSize > 1)
            _averager.Average([.. _parameters.Select(p => p.grad ?? throw new InvalidOperationException("a parameter has no gradient"))]);
        _optimizer.step();
        return (values, scale);
    }

    public void Dispose() => _optimizer.Dispose();
}
