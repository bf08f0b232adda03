using YoloX.Core.Loss;

namespace YoloX.Training.Engine;

/// <summary>What one training iteration did (reported after it, on every rank).</summary>
/// <param name="Epoch">0-based epoch.</param>
/// <param name="MaxEpoch">Epochs of the run.</param>
/// <param name="BatchInEpoch">0-based batch within the epoch.</param>
/// <param name="BatchesPerEpoch">Batches per epoch.</param>
/// <param name="Iteration">0-based iteration over the whole run.</param>
/// <param name="Loss">The loss terms.</param>
/// <param name="LearningRate">The lr the step used.</param>
/// <param name="InputHeight">Multiscale input height of the step.</param>
/// <param name="InputWidth">Multiscale input width of the step.</param>
/// <param name="IterationTime">Wall time of the iteration, data included.</param>
/// <param name="DataTime">Time spent waiting for the batch.</param>
/// <param name="ImagesPerSecond">Images per second over all ranks.</param>
/// <param name="MemoryMb">Resident memory of this process in MB (CUDA: allocated device memory).</param>
/// <param name="Eta">Estimated time to the end of training.</param>
/// <param name="Skipped">True when the loss was not finite and the step was skipped.</param>
public sealed record IterationInfo(
    int Epoch, int MaxEpoch, int BatchInEpoch, int BatchesPerEpoch, long Iteration, LossValues Loss, double LearningRate,
    int InputHeight, int InputWidth, TimeSpan IterationTime, TimeSpan DataTime, double ImagesPerSecond, double MemoryMb,
    TimeSpan Eta, bool Skipped);
