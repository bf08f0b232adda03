namespace YoloX.Inference.Backends;

/// <summary>
/// Runs a YOLOX network: a batch of letterboxed images [B, 3, H, W] (BGR, 0–255) in, the head output [B, N, 5 + C]
/// out. Implementations must allow concurrent <see cref="Run"/> calls from several threads.
/// </summary>
/// <remarks>
/// The implementations are <see cref="OnnxRuntimeBackend"/> and <see cref="TorchBackend"/> (over
/// <see cref="YoloX.Core.YoloXModel"/>: eval mode, fused, decoding in the network, saying so through
/// <see cref="ModelDescription.OutputDecoded"/>).
/// </remarks>
public interface IInferenceBackend : IDisposable
{
    /// <summary>The loaded model's input and output layout.</summary>
    ModelDescription Model { get; }

    /// <summary>Runs the network on <paramref name="batchSize"/> images.</summary>
    /// <param name="input">batchSize × 3 × H × W floats (H, W of <see cref="Model"/>).</param>
    /// <param name="batchSize">Number of images; at most <see cref="ModelDescription.MaxBatchSize"/>.</param>
    /// <param name="output">Receives batchSize × N × (5 + C) floats.</param>
    /// <param name="cancellationToken">Cancels a running forward pass where the backend supports it.</param>
    void Run(ReadOnlyMemory<float> input, int batchSize, Memory<float> output, CancellationToken cancellationToken = default);
}

/// <summary>What a backend's model takes and returns.</summary>
/// <param name="Source">The model file (for messages).</param>
/// <param name="Backend">The backend's name, e.g. "onnxruntime (CPUExecutionProvider)".</param>
/// <param name="InputWidth">Input width W in pixels.</param>
/// <param name="InputHeight">Input height H in pixels.</param>
/// <param name="MaxBatchSize">The model's fixed batch size, or <see cref="int.MaxValue"/> when the batch is dynamic.</param>
/// <param name="FixedBatch">True when the model only accepts exactly <paramref name="MaxBatchSize"/> images per run.</param>
/// <param name="AnchorCount">N, the number of output rows per image.</param>
/// <param name="ClassCount">C, the number of classes.</param>
/// <param name="OutputDecoded">True when boxes are already cx, cy, w, h in input pixels; false for raw head outputs.</param>
/// <param name="ClassNames">Class names stored with the model, or <c>null</c>.</param>
public sealed record ModelDescription(
    string Source, string Backend, int InputWidth, int InputHeight, int MaxBatchSize, bool FixedBatch,
    int AnchorCount, int ClassCount, bool OutputDecoded, IReadOnlyList<string>? ClassNames)
{
    /// <summary>Floats of one image's input, 3 × H × W.</summary>
    public int InputLength => 3 * InputWidth * InputHeight;

    /// <summary>Floats of one image's output, N × (5 + C).</summary>
    public int OutputLength => AnchorCount * (5 + ClassCount);
}
