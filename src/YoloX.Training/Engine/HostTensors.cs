using TorchSharp;
using static TorchSharp.torch;

namespace YoloX.Training.Engine;

/// <summary>Host batches into libtorch tensors.</summary>
internal static class HostTensors
{
    /// <summary>
    /// A float32 CPU tensor of <paramref name="shape"/> holding a copy of <paramref name="values"/>.
    /// <c>torch.tensor(float[])</c> would first clone the array on the managed heap (a fresh large-object array per
    /// batch); an empty libtorch tensor comes from the native heap the trainer keeps warm, so the values are copied
    /// once, into reused memory, and the array is free as soon as this returns.
    /// </summary>
    public static Tensor FromFloats(float[] values, ReadOnlySpan<long> shape)
    {
        var tensor = torch.empty(shape, ScalarType.Float32);
        using var accessor = tensor.data<float>();
        accessor.CopyFrom(values);
        return tensor;
    }
}
