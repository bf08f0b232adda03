using TorchSharp;
using YoloX.Core;
using YoloX.Core.Weights;
using YoloX.Training.Distributed;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace YoloX.Training.Engine;

/// <summary>
/// A self-contained <see cref="ITrainingOptimizer"/> following the official recipe: three SGD groups (BN weights and
/// biases without decay, conv/linear weights with decay; Nesterov momentum), the <c>yoloxwarmcos</c> schedule and
/// <c>ModelEMA</c>. It keeps the trainer runnable on its own; the recipe-driven optimiser of
/// <c>Training/Optimization</c> replaces it behind the same interface.
/// </summary>
internal sealed class InterimOptimizer : ITrainingOptimizer
{
    private readonly YoloXModel model;
    private readonly TrainerOptions options;
    private readonly IDistributedContext distributed;
    private readonly IGradientAverager? averager;
    private readonly List<(string Key, Parameter Parameter, double Decay)> parameters;
    private readonly Dictionary<string, Tensor> momentum = new(StringComparer.Ordinal);
    private readonly double baseLr;
    private readonly long itersPerEpoch;

    public InterimOptimizer(YoloXModel model, TrainerOptions options, int globalBatchSize, long itersPerEpoch,
        IDistributedContext distributed, IGradientAverager? averager)
    {
        this.model = model;
        this.options = options;
        this.distributed = distributed;
        this.averager = averager;
        this.itersPerEpoch = itersPerEpoch;
        baseLr = options.BasicLrPerImage * globalBatchSize;
        parameters = Groups(model, options.WeightDecay);
        if (options.Ema)
        {
            Ema = YoloXModel.Create(model.Config);
            Ema.to(model.parameters().First().device);
            CopyState(model, Ema);
            Ema.eval();
            foreach (var p in Ema.parameters())
            {
                p.requires_grad = false;
            }
        }
    }

    public YoloXModel EvaluationModel => Ema ?? model;

    public YoloXModel? Ema { get; }

    public long EmaUpdates { get; private set; }

    /// <summary>The official <c>yolox_warm_cos_lr</c> over iterations.</summary>
    public double LearningRate(long iteration)
    {
        var total = itersPerEpoch * options.MaxEpoch;
        var warmup = itersPerEpoch * options.WarmupEpochs;
        var noAug = itersPerEpoch * options.NoAugEpochs;
        var minLr = baseLr * options.MinLrRatio;
        if (iteration <= warmup && warmup > 0)
        {
            return (baseLr - options.WarmupLr) * Math.Pow(iteration / (double)warmup, 2) + options.WarmupLr;
        }
        if (iteration >= total - noAug)
        {
            return minLr;
        }
        return minLr + 0.5 * (baseLr - minLr) * (1.0 + Math.Cos(Math.PI * (iteration - warmup) / (total - warmup - noAug)));
    }

    public TrainingStepResult Step(Tensor images, Tensor targets, double learningRate, bool useL1)
    {
        using var scope = torch.NewDisposeScope();
        using var terms = model.ComputeLoss(images, targets, useL1);
        var values = terms.ToValues();
        // Every rank must take the same decision, or the gradient all-reduce would hang: agree on "any non-finite".
        Span<long> bad = [values.IsFinite ? 0 : 1];
        distributed.AllReduceSum(bad);
        if (bad[0] != 0)
        {
            return new TrainingStepResult(values, Skipped: true);
        }
        foreach (var (_, p, _) in parameters)
        {
            p.grad?.zero_();
        }
        terms.Total.backward();
        if (distributed.WorldSize > 1 && averager is not null)
        {
            averager.Average([.. parameters.Select(g => g.Parameter.grad).OfType<Tensor>()]);
        }
        SgdStep(learningRate);
        UpdateEma();
        return new TrainingStepResult(values, Skipped: false);
    }

    public IReadOnlyList<KeyValuePair<string, Tensor>> StateTensors() =>
        [.. parameters.Where(p => momentum.ContainsKey(p.Key)).Select(p => KeyValuePair.Create("momentum/" + p.Key, momentum[p.Key]))];

    public void LoadState(IReadOnlyDictionary<string, Tensor> state, IReadOnlyDictionary<string, Tensor>? ema, long emaUpdates)
    {
        using var noGrad = torch.no_grad();
        foreach (var buffer in momentum.Values)
        {
            buffer.Dispose();
        }
        momentum.Clear();
        foreach (var (key, p, _) in parameters)
        {
            if (state.TryGetValue("momentum/" + key, out var saved))
            {
                if (!saved.shape.SequenceEqual(p.shape))
                {
                    throw new ArgumentException($"The saved momentum of '{key}' has shape [{string.Join(",", saved.shape)}], the parameter [{string.Join(",", p.shape)}].");
                }
                momentum[key] = saved.to(p.dtype, p.device).clone().DetachFromDisposeScope();
            }
        }
        if (Ema is not null && ema is not null)
        {
            StateDict.Load(Ema, ema);
        }
        EmaUpdates = emaUpdates;
    }

    public void Dispose()
    {
        foreach (var buffer in momentum.Values)
        {
            buffer.Dispose();
        }
        momentum.Clear();
        Ema?.Dispose();
    }

    /// <summary>SGD with Nesterov momentum, as <c>torch.optim.SGD</c> (dampening 0; the first buffer is the gradient).</summary>
    private void SgdStep(double lr)
    {
        using var noGrad = torch.no_grad();
        foreach (var (key, p, decay) in parameters)
        {
            if (p.grad is not { } grad)
            {
                continue;
            }
            using var scope = torch.NewDisposeScope();
            var d = decay != 0 ? grad.add(p, alpha: decay) : grad;
            if (momentum.TryGetValue(key, out var buffer))
            {
                buffer.mul_(options.Momentum).add_(d);
            }
            else
            {
                buffer = d.clone().detach().DetachFromDisposeScope();
                momentum[key] = buffer;
            }
            p.add_(d.add(buffer, alpha: options.Momentum), alpha: -lr);
        }
    }

    /// <summary>The official <c>ModelEMA.update</c>: every floating-point state entry, BN statistics included.</summary>
    private void UpdateEma()
    {
        if (Ema is null)
        {
            return;
        }
        using var noGrad = torch.no_grad();
        EmaUpdates++;
        var d = options.EmaDecay * (1 - Math.Exp(-EmaUpdates / 2000.0));
        var source = StateDict.Ordered(model).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        foreach (var (key, v) in StateDict.Ordered(Ema))
        {
            if (v.is_floating_point())
            {
                v.mul_(d).add_(source[key].detach(), alpha: 1 - d);
            }
        }
    }

    /// <summary>The official <c>get_optimizer</c> split: BN weights (pg0), other weights with decay (pg1), biases (pg2).</summary>
    private static List<(string, Parameter, double)> Groups(YoloXModel model, double weightDecay)
    {
        var result = new List<(string, Parameter, double)>();
        foreach (var (name, module) in model.named_modules())
        {
            var own = module.named_parameters(recurse: false).ToDictionary(kv => kv.name, kv => kv.parameter);
            var prefix = name.Length == 0 ? "" : name + ".";
            if (own.TryGetValue("bias", out var bias) && bias.requires_grad)
            {
                result.Add((prefix + "bias", bias, 0));
            }
            if (own.TryGetValue("weight", out var weight) && weight.requires_grad)
            {
                var isBn = module is TorchSharp.Modules.BatchNorm2d || name.Contains("bn", StringComparison.Ordinal);
                result.Add((prefix + "weight", weight, isBn ? 0 : weightDecay));
            }
        }
        return result;
    }

    private static void CopyState(YoloXModel from, YoloXModel to)
    {
        var source = StateDict.Ordered(from).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        StateDict.Load(to, source);
    }
}
