using YoloX.Core;
using static TorchSharp.torch;

namespace YoloX.Training.Engine;

/// <summary>
/// The optimisation side of training as the trainer drives it: the learning-rate schedule, one step (forward, loss,
/// backward, gradient averaging, SGD, EMA), the EMA model, and the state a checkpoint must hold to resume exactly.
/// </summary>
public interface ITrainingOptimizer : IDisposable
{
    /// <summary>The learning rate of iteration <paramref name="iteration"/> (0-based over the whole run).</summary>
    double LearningRate(long iteration);

    /// <summary>
    /// Runs one iteration on <paramref name="images"/> <c>[B,3,H,W]</c> and <paramref name="targets"/>
    /// <c>[B,M,5]</c> (on the model's device) with <paramref name="learningRate"/>. A non-finite loss skips the update.
    /// </summary>
    TrainingStepResult Step(Tensor images, Tensor targets, double learningRate, bool useL1);

    /// <summary>The model to evaluate and ship: the EMA model when EMA is on, else the trained model.</summary>
    YoloXModel EvaluationModel { get; }

    /// <summary>The EMA model, or <c>null</c> without EMA.</summary>
    YoloXModel? Ema { get; }

    /// <summary>EMA updates so far.</summary>
    long EmaUpdates { get; }

    /// <summary>The optimiser's state tensors (momentum buffers) by stable keys, for a checkpoint.</summary>
    IReadOnlyList<KeyValuePair<string, Tensor>> StateTensors();

    /// <summary>Restores the state <see cref="StateTensors"/> returned, the EMA weights and update count.</summary>
    void LoadState(IReadOnlyDictionary<string, Tensor> state, IReadOnlyDictionary<string, Tensor>? ema, long emaUpdates);
}
