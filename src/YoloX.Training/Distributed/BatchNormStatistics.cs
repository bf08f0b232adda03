using TorchSharp;
using TorchSharp.Modules;
using YoloX.Training.Distributed.Mpi;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using static TorchSharp.torch;

namespace YoloX.Training.Distributed;

/// <summary>
/// Averages the normalisation layers' state over the ranks before an evaluation or a checkpoint, as the official
/// <c>all_reduce_norm</c> does: during training each rank's BatchNorm running statistics follow its own batches, so
/// without this the replicas evaluate (and save) slightly different models.
/// </summary>
public static class BatchNormStatistics
{
    /// <summary>
    /// Replaces the state of every BatchNorm1d/2d/3d and InstanceNorm1d/2d/3d layer (weight, bias, running mean and
    /// variance, batch counter: the layer's whole state dict, like the official code) with its mean over the ranks.
    /// Float values are summed and divided by the world size; the int64 counters are summed and divided with
    /// truncation (the official float mean copied back into the int64 buffer).
    /// </summary>
    /// <param name="module">The replica (every rank passes its own; same architecture on every rank).</param>
    /// <param name="context">The job.</param>
    /// <param name="excludeNonFiniteRanks">Leave out ranks whose normalisation state holds a NaN or infinity and
    /// average over the others (every rank then receives the healthy mean). Off by default (the official behaviour,
    /// which spreads one rank's NaN to all); useful after a skipped non-finite step, whose forward pass already
    /// updated that rank's running statistics. When no rank is finite the state is left as it is.</param>
    /// <returns>The number of tensors averaged.</returns>
    public static int AllReduceMean(nn.Module module, IDistributedContext context, bool excludeNonFiniteRanks = false)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(context);
        var states = NormStates(module);
        if (context.WorldSize == 1 || states.Count == 0)
            return states.Count;
        var contributors = (long)context.WorldSize;
        var contributes = true;
        if (excludeNonFiniteRanks)
        {
            using (torch.NewDisposeScope())
                contributes = states.All(t => !t.is_floating_point() || t.isfinite().all().item<bool>());
            contributors = context.SumOverRanks(contributes ? 1 : 0);
            if (contributors == 0)
                return 0;
        }
        // A rank that does not contribute sends zeros, then takes the mean of the others.
        StateTensors.Run(states, new StateTensors.Collectives(
            b => { if (!contributes) b.Clear(); context.AllReduceSum(b); TensorPrimitives.Divide(b, (float)contributors, b); },
            b => { if (!contributes) b.Clear(); context.AllReduceSum(b); TensorPrimitives.Divide(b, (double)contributors, b); },
            b => { if (!contributes) b.Clear(); context.AllReduceSum(b); for (var i = 0; i < b.Length; i++) b[i] /= contributors; }),
            writeBack: true);
        return states.Count;
    }

    /// <summary>The state tensors of the normalisation layers, in module order.</summary>
    internal static List<Tensor> NormStates(nn.Module module)
    {
        var states = new List<Tensor>();
        foreach (var (_, child) in module.named_modules())
        {
            if (child is BatchNorm1d or BatchNorm2d or BatchNorm3d or InstanceNorm1d or InstanceNorm2d or InstanceNorm3d)
                states.AddRange(child.state_dict().Values);
        }
        return states;
    }
}
