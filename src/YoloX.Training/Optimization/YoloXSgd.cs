using TorchSharp;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace YoloX.Training.Optimization;

/// <summary>
/// SGD with momentum (Nesterov by default) over the three parameter groups of the official
/// <c>Exp.get_optimizer</c>: <c>pg0</c> BatchNorm weights without decay, <c>pg1</c> other weights with weight decay,
/// <c>pg2</c> all biases without decay. The update is PyTorch's <c>torch.optim.SGD</c> (single-tensor path) with the
/// same tensor operations in the same order, so it is bit-compatible with the official trainer.
/// </summary>
/// <remarks>
/// Per parameter with a gradient: <c>d_p = grad (+ wd·p)</c>; on the first step <c>buf = d_p</c>, afterwards
/// <c>buf = momentum·buf + d_p</c>; Nesterov <c>d_p = d_p + momentum·buf</c> (else <c>d_p = buf</c>);
/// <c>p -= lr·d_p</c>. The momentum buffers are exported and imported by parameter name for checkpoints.
/// Not thread-safe.
/// </remarks>
public sealed class YoloXSgd : IDisposable
{
    private readonly SgdParameterGroup[] groups;
    private readonly Dictionary<string, Tensor> buffers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Parameter> byName;
    private bool disposed;

    private YoloXSgd(SgdParameterGroup[] groups, double momentum, bool nesterov)
    {
        this.groups = groups;
        Momentum = momentum;
        Nesterov = nesterov;
        byName = groups.SelectMany(g => g.ParameterNames.Zip(g.Parameters)).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
    }

    /// <summary>
    /// Builds the optimiser over <paramref name="model"/>'s parameters grouped as the official <c>get_optimizer</c>
    /// does (a module's <c>bias</c> parameter goes to <c>pg2</c>; the <c>weight</c> of a BatchNorm, or of any module
    /// whose name contains <c>bn</c>, to <c>pg0</c>; any other <c>weight</c> parameter to <c>pg1</c>).
    /// Parameters with <c>requires_grad</c> off (frozen) are left out.
    /// </summary>
    public static YoloXSgd Create(nn.Module model, double momentum = 0.9, bool nesterov = true, double weightDecay = 5e-4,
        double learningRate = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!(momentum is >= 0 and < 1))
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "Momentum must be within [0, 1).");
        if (nesterov && momentum <= 0)
            throw new ArgumentException("Nesterov momentum needs a positive momentum.", nameof(nesterov));
        if (!(weightDecay >= 0) || !double.IsFinite(weightDecay))
            throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "Weight decay must be finite and non-negative.");
        var (pg0, pg1, pg2) = OfficialGroups(model);
        var result = new YoloXSgd(
        [
            new SgdParameterGroup("pg0", 0, pg0), new SgdParameterGroup("pg1", weightDecay, pg1),
            new SgdParameterGroup("pg2", 0, pg2),
        ], momentum, nesterov);
        result.SetLearningRate(learningRate);
        return result;
    }

    /// <summary>Builds the optimiser with a recipe's momentum, Nesterov flag and weight decay (lr 0 until set).</summary>
    public static YoloXSgd Create(nn.Module model, TrainingRecipe recipe)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        return Create(model, recipe.Momentum, recipe.Nesterov, recipe.WeightDecay);
    }

    /// <summary>The groups <c>pg0</c>, <c>pg1</c>, <c>pg2</c>.</summary>
    public IReadOnlyList<SgdParameterGroup> Groups => groups;

    /// <summary>Momentum factor.</summary>
    public double Momentum { get; }

    /// <summary>Nesterov momentum.</summary>
    public bool Nesterov { get; }

    /// <summary>Every optimised parameter, in group order.</summary>
    public IEnumerable<Parameter> Parameters => groups.SelectMany(g => g.Parameters);

    /// <summary>True once momentum buffers exist (after the first <see cref="Step"/> or an <see cref="ImportState"/>).</summary>
    public bool HasMomentum => buffers.Count > 0;

    /// <summary>Sets the learning rate of every group (the official loop gives all groups the same lr).</summary>
    public void SetLearningRate(double learningRate)
    {
        if (!(learningRate >= 0) || !double.IsFinite(learningRate))
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The learning rate must be finite and non-negative.");
        foreach (var g in groups)
            g.LearningRate = learningRate;
    }

    /// <summary>Sets every parameter's gradient to zero (before a backward pass).</summary>
    public void ZeroGrad()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        using var noGrad = torch.no_grad();
        foreach (var p in Parameters)
            p.grad?.zero_();
    }

    /// <summary>One SGD step of every parameter that has a gradient, with each group's lr and weight decay.</summary>
    public void Step()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        using var noGrad = torch.no_grad();
        // Explicit scalars alive for the whole step, made once per group rather than per parameter (implicit ones can
        // be finalized while libtorch reads them; see ModelEma.Update).
        using var momentum = Momentum.ToScalar();
        using var one = 1.0.ToScalar();
        foreach (var g in groups)
        {
            using var scalars = new StepScalars(g.WeightDecay.ToScalar(), momentum, one, (-g.LearningRate).ToScalar());
            for (var i = 0; i < g.Parameters.Count; i++)
                StepOne(g.ParameterNames[i], g.Parameters[i], g.WeightDecay != 0, scalars);
        }
    }

    private void StepOne(string name, Parameter p, bool decays, StepScalars s)
    {
        using var scope = torch.NewDisposeScope(); // owns the grad handle and the temporaries
        var grad = p.grad;
        if (grad is null)
            return;
        var dp = decays ? grad.add(p, s.Decay) : grad;
        if (Momentum != 0)
        {
            if (!buffers.TryGetValue(name, out var buf))
            {
                buffers[name] = dp.clone().detach().DetachFromDisposeScope();
                buf = buffers[name];
            }
            else
            {
                buf.mul_(s.Momentum).add_(dp, s.One); // dampening 0: alpha 1 − 0
            }
            dp = Nesterov ? dp.add(buf, s.Momentum) : buf;
        }
        p.add_(dp, s.Step);
    }

    /// <summary>One group's scalars for a step; disposes only the group's own (decay, −lr).</summary>
    private readonly record struct StepScalars(Scalar Decay, Scalar Momentum, Scalar One, Scalar Step) : IDisposable
    {
        public void Dispose()
        {
            Decay.Dispose();
            Step.Dispose();
        }
    }

    /// <summary>
    /// The momentum buffers as new CPU tensors keyed by parameter state-dict name (the caller disposes them). Parameters
    /// that have not been stepped yet have no entry.
    /// </summary>
    public Dictionary<string, Tensor> ExportState()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        return buffers.ToDictionary(kv => kv.Key, kv => kv.Value.detach().cpu().clone(), StringComparer.Ordinal);
    }

    /// <summary>
    /// Replaces the momentum buffers with copies of <paramref name="state"/> (as <see cref="ExportState"/> wrote it; the
    /// official checkpoint's <c>momentum_buffer</c> per parameter). Every key must name an optimised parameter with the
    /// same shape; checked before anything changes.
    /// </summary>
    /// <exception cref="TrainingStateException">An unknown name, another shape or a non-float tensor.</exception>
    public void ImportState(IReadOnlyDictionary<string, Tensor> state)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ArgumentNullException.ThrowIfNull(state);
        foreach (var (name, t) in state)
        {
            if (!byName.TryGetValue(name, out var p))
                throw new TrainingStateException($"Optimiser state has a momentum buffer for '{name}', which is not an optimised parameter.");
            if (!t.shape.SequenceEqual(p.shape) || !t.is_floating_point())
                throw new TrainingStateException(
                    $"Momentum buffer '{name}' is [{string.Join(",", t.shape)}] {t.dtype}; the parameter is [{string.Join(",", p.shape)}] {p.dtype}.");
        }
        ClearBuffers();
        foreach (var (name, t) in state)
        {
            var p = byName[name];
            buffers[name] = t.detach().to(p.dtype, p.device).clone().DetachFromDisposeScope();
        }
    }

    /// <summary>Frees the momentum buffers.</summary>
    public void Dispose()
    {
        if (disposed)
            return;
        ClearBuffers();
        disposed = true;
    }

    private void ClearBuffers()
    {
        foreach (var b in buffers.Values)
            b.Dispose();
        buffers.Clear();
    }

    private static (List<(string, Parameter)> Pg0, List<(string, Parameter)> Pg1, List<(string, Parameter)> Pg2)
        OfficialGroups(nn.Module model)
    {
        var pg0 = new List<(string, Parameter)>();
        var pg1 = new List<(string, Parameter)>();
        var pg2 = new List<(string, Parameter)>();
        foreach (var (moduleName, module) in ModulesInOrder(model))
        {
            var own = module.named_parameters(recurse: false).ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
            var prefix = moduleName.Length == 0 ? "" : moduleName + ".";
            if (own.TryGetValue("bias", out var bias) && bias.requires_grad)
                pg2.Add((prefix + "bias", bias));
            var isBn = module is TorchSharp.Modules.BatchNorm2d || moduleName.Contains("bn", StringComparison.Ordinal);
            if (own.TryGetValue("weight", out var weight) && weight.requires_grad)
                (isBn ? pg0 : pg1).Add((prefix + "weight", weight));
        }
        return (pg0, pg1, pg2);
    }

    /// <summary>PyTorch's <c>named_modules()</c> order: the module, then its children depth-first.</summary>
    private static IEnumerable<(string Name, nn.Module Module)> ModulesInOrder(nn.Module module, string prefix = "")
    {
        yield return (prefix, module);
        foreach (var (name, child) in module.named_children())
        {
            foreach (var item in ModulesInOrder(child, prefix.Length == 0 ? name : prefix + "." + name))
                yield return item;
        }
    }
}
