using static TorchSharp.torch;

namespace YoloX.Training.Tests.Optimization;

/// <summary>A name → tensor map that disposes its tensors.</summary>
internal sealed class DisposableDictionary(Dictionary<string, Tensor> inner) : Dictionary<string, Tensor>(inner, StringComparer.Ordinal), IDisposable
{
    public void Dispose()
    {
        foreach (var t in Values)
            t.Dispose();
    }
}
