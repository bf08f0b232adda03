using TorchSharp;
using YoloX.Training.Distributed.Mpi;
using static TorchSharp.torch;

namespace YoloX.Training.Distributed;

/// <summary>
/// Keeps the model replicas of a data-parallel job identical: copies rank 0's parameters and buffers to every rank at
/// start (what DDP does when it wraps a model), and checks that the replicas still agree bit for bit.
/// </summary>
public static class ModelSynchronizer
{
    /// <summary>
    /// Copies <paramref name="root"/>'s parameters and buffers (the state dict: weights, BatchNorm running statistics
    /// and counters) into every rank's <paramref name="module"/>. Call it on every rank after building or loading the
    /// model and before the first step.
    /// </summary>
    /// <exception cref="NotSupportedException">A state tensor is not float32, float64 or int64.</exception>
    public static void BroadcastState(nn.Module module, IDistributedContext context, int root = 0)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(context);
        if (context.WorldSize == 1)
            return;
        StateTensors.Run(State(module), new StateTensors.Collectives(
            b => context.Broadcast(b, root), b => context.Broadcast(b, root), b => context.Broadcast(b, root)),
            writeBack: true);
    }

    /// <summary>
    /// Compares every rank's state with <paramref name="root"/>'s, bit for bit (NaN payloads included), and returns
    /// the number of differing elements summed over all ranks (the same number on every rank). 0 means the replicas
    /// are identical. Costs one broadcast of the whole state: a check, not something to run every step in production.
    /// </summary>
    /// <param name="module">The replica.</param>
    /// <param name="context">The job.</param>
    /// <param name="root">The rank to compare with.</param>
    /// <param name="includeBuffers">Also compare the buffers. With BatchNorm in train mode the running statistics
    /// follow each rank's own batches and legitimately differ until <see cref="BatchNormStatistics.AllReduceMean"/>;
    /// pass false to compare the parameters only.</param>
    public static long CountMismatches(nn.Module module, IDistributedContext context, int root = 0, bool includeBuffers = true)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(context);
        if (context.WorldSize == 1)
            return 0;
        long mismatches = 0;
        var state = includeBuffers ? State(module) : [.. module.parameters()];
        var local = new List<byte[]>();
        // Read this rank's values first (no write-back), then broadcast root's and compare bucket by bucket.
        StateTensors.Run(state, new StateTensors.Collectives(
            b => local.Add(System.Runtime.InteropServices.MemoryMarshal.AsBytes(b).ToArray()),
            b => local.Add(System.Runtime.InteropServices.MemoryMarshal.AsBytes(b).ToArray()),
            b => local.Add(System.Runtime.InteropServices.MemoryMarshal.AsBytes(b).ToArray())), writeBack: false);
        var index = 0;
        StateTensors.Run(state, new StateTensors.Collectives(
            b => { context.Broadcast(b, root); mismatches += Count<float>(b, local[index++]); },
            b => { context.Broadcast(b, root); mismatches += Count<double>(b, local[index++]); },
            b => { context.Broadcast(b, root); mismatches += Count<long>(b, local[index++]); }), writeBack: false);
        Span<long> total = [mismatches];
        context.AllReduceSum(total);
        return total[0];
    }

    /// <summary>The parameters and buffers in state-dict order (the same order on every rank).</summary>
    internal static List<Tensor> State(nn.Module module) => [.. module.state_dict().Values];

    private static long Count<T>(Span<T> fromRoot, byte[] mine) where T : unmanaged
    {
        var theirs = System.Runtime.InteropServices.MemoryMarshal.AsBytes(fromRoot);
        var size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        long count = 0;
        for (var i = 0; i < theirs.Length; i += size)
        {
            if (!theirs.Slice(i, size).SequenceEqual(mine.AsSpan(i, size)))
                count++;
        }
        return count;
    }
}
