using YoloX.Core;
using static TorchSharp.torch;

namespace YoloX.Training.Checkpoints;

/// <summary>
/// What a training checkpoint holds: the trained model's state dict, the EMA model's, the optimiser's state
/// (momentum buffers), the progress counters, the recipe text in force and the class names. Owns its tensors.
/// </summary>
public sealed class TrainingCheckpointData : IDisposable
{
    /// <summary>Wraps the parts of a checkpoint (takes ownership of the tensors).</summary>
    public TrainingCheckpointData(
        YoloXConfig config, IReadOnlyList<string> classNames, TrainingProgress progress, string recipe,
        IReadOnlyDictionary<string, Tensor> model, IReadOnlyDictionary<string, Tensor>? ema,
        IReadOnlyDictionary<string, Tensor> optimizer)
    {
        Config = config;
        ClassNames = classNames;
        Progress = progress;
        Recipe = recipe;
        Model = model;
        Ema = ema;
        Optimizer = optimizer;
    }

    /// <summary>The network configuration.</summary>
    public YoloXConfig Config { get; }

    /// <summary>Class names, one per class.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Counters, best AP, seed, input size in force.</summary>
    public TrainingProgress Progress { get; }

    /// <summary>The training settings in force, as text (what was printed at start).</summary>
    public string Recipe { get; }

    /// <summary>The trained model's state dict (official keys).</summary>
    public IReadOnlyDictionary<string, Tensor> Model { get; }

    /// <summary>The EMA model's state dict, or <c>null</c> without EMA.</summary>
    public IReadOnlyDictionary<string, Tensor>? Ema { get; }

    /// <summary>The optimiser's state tensors (momentum buffers), by the optimiser's own keys.</summary>
    public IReadOnlyDictionary<string, Tensor> Optimizer { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in Model.Values.Concat(Ema?.Values ?? []).Concat(Optimizer.Values))
        {
            t.Dispose();
        }
    }
}
