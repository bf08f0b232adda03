using TorchSharp;

namespace YoloX.Training.Distributed;

/// <summary>
/// Averages gradients across the ranks of a data-parallel job, in place, before the optimiser step. The trainer calls
/// it only when the job has more than one rank; an implementation decides how to bucket and overlap the transfers.
/// </summary>
public interface IGradientAverager
{
    /// <summary>Replaces each gradient with its mean over all ranks. Every rank passes the same tensors in the same order.</summary>
    void Average(IReadOnlyList<torch.Tensor> gradients);
}
