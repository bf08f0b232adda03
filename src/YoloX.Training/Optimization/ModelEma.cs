using TorchSharp;
using YoloX.Core;
using YoloX.Core.Weights;
using static TorchSharp.torch;

namespace YoloX.Training.Optimization;

/// <summary>
/// Exponential moving average of a model's state (official <c>yolox/utils/ema.py</c> <c>ModelEMA</c>): a separate
/// copy in eval mode whose floating-point state-dict entries (parameters and BN running statistics) follow the model
/// with decay <c>d = decay·(1 − e^(−updates/ramp))</c>. Integer entries (<c>num_batches_tracked</c>) are not
/// averaged: they keep the value they had when the copy was made, as in the official code.
/// </summary>
/// <remarks>
/// Per update: <c>updates += 1</c>, <c>d</c> in float64, then per entry <c>e = e·d + (1 − d)·m</c> with the same
/// float32 tensor operations as the official code (bit-compatible). The copy is owned by this object.
/// </remarks>
public sealed class ModelEma : IDisposable
{
    private readonly Dictionary<string, Tensor> emaState;
    private readonly (string Name, Tensor Tensor)[] averaged;

    /// <summary>Copies <paramref name="model"/> (same config, state and device) and starts the average there.</summary>
    /// <param name="model">The trained model; it is neither modified nor retained.</param>
    /// <param name="decay">The final decay (the official trainer uses 0.9998).</param>
    /// <param name="ramp">Updates constant of the decay ramp (official 2000).</param>
    /// <param name="updates">Updates already made (official resume: iterations per epoch × start epoch).</param>
    public ModelEma(YoloXModel model, double decay = 0.9998, double ramp = 2000, long updates = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!(decay is >= 0 and < 1))
            throw new ArgumentOutOfRangeException(nameof(decay), decay, "The EMA decay must be within [0, 1).");
        if (!(ramp > 0) || !double.IsFinite(ramp))
            throw new ArgumentOutOfRangeException(nameof(ramp), ramp, "The EMA ramp must be positive.");
        ArgumentOutOfRangeException.ThrowIfNegative(updates);
        Decay = decay;
        Ramp = ramp;
        Updates = updates;
        Model = CopyOf(model);
        emaState = StateDict.Ordered(Model).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        averaged = [.. emaState.Where(kv => kv.Value.is_floating_point()).Select(kv => (kv.Key, kv.Value))];
    }

    /// <summary>Creates the EMA a recipe asks for (its <c>ema_decay</c> and <c>ema_ramp</c>).</summary>
    public static ModelEma Create(YoloXModel model, TrainingRecipe recipe, long updates = 0)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        return new ModelEma(model, recipe.EmaDecay, recipe.EmaRamp, updates);
    }

    /// <summary>The averaged model (eval mode, no gradients). Owned by this object: do not dispose it.</summary>
    public YoloXModel Model { get; }

    /// <summary>The final decay.</summary>
    public double Decay { get; }

    /// <summary>The ramp constant in updates.</summary>
    public double Ramp { get; }

    /// <summary>Updates made so far (the official <c>ema.updates</c>); set it when resuming.</summary>
    public long Updates { get; set; }

    /// <summary>The decay used by the update that brings the count to <paramref name="updates"/>.</summary>
    public double DecayAt(long updates) => Decay * (1 - Math.Exp(-updates / Ramp));

    /// <summary>
    /// One EMA update towards <paramref name="model"/> (official <c>ModelEMA.update</c>); returns the decay used.
    /// </summary>
    /// <exception cref="TrainingStateException">The model's state dict lacks an entry of the EMA or has another shape.</exception>
    public double Update(YoloXModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var source = StateDict.Ordered(model).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        foreach (var (name, ema) in averaged)
        {
            if (!source.TryGetValue(name, out var m) || !m.shape.SequenceEqual(ema.shape))
                throw new TrainingStateException($"The model has no entry '{name}' of the EMA's shape; is it the model the EMA was made from?");
        }
        Updates++;
        var d = DecayAt(Updates);
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        // Explicit scalars kept alive for the whole loop: an implicit double→Scalar can be finalized (its native
        // value freed) while libtorch still reads it, which once failed a run with "Unknown scalar type".
        using var decay = d.ToScalar();
        using var weight = (1.0 - d).ToScalar();
        using var one = 1.ToScalar(); // add_'s alpha: add_(t) alone would make an implicit one
        foreach (var (name, ema) in averaged)
        {
            // Official: v *= d; v += (1 - d) * msd[k] — the scalar is applied in float32 as PyTorch does.
            ema.mul_(decay);
            ema.add_(source[name].mul(weight), one);
        }
        return d;
    }

    /// <summary>The averaged state dict as new CPU tensors keyed by name (the caller disposes them).</summary>
    public Dictionary<string, Tensor> ExportState() =>
        emaState.ToDictionary(kv => kv.Key, kv => kv.Value.detach().cpu().clone(), StringComparer.Ordinal);

    /// <summary>
    /// Loads an averaged state dict (all entries, same names and shapes as the model's state dict) and the update
    /// count. Checked before anything changes.
    /// </summary>
    /// <exception cref="TrainingStateException">The state does not fit the model.</exception>
    public void ImportState(IReadOnlyDictionary<string, Tensor> state, long updates)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentOutOfRangeException.ThrowIfNegative(updates);
        var report = StateDict.Compare(Model, state);
        if (!report.IsExact)
            throw new TrainingStateException($"The EMA state does not fit the model: {report}");
        StateDict.Load(Model, state);
        Updates = updates;
    }

    /// <summary>Frees the averaged model.</summary>
    public void Dispose() => Model.Dispose();

    private static YoloXModel CopyOf(YoloXModel model)
    {
        var first = model.parameters().FirstOrDefault()
            ?? throw new ArgumentException("The model has no parameters.", nameof(model));
        var copy = YoloXModel.Create(model.Config);
        copy.to(first.device);
        StateDict.Load(copy, StateDict.Ordered(model).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal));
        copy.eval();
        foreach (var p in copy.parameters())
            p.requires_grad = false;
        return copy;
    }
}
