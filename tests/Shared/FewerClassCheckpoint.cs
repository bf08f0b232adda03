using TorchSharp;
using TorchSharp.PyBridge;
using YoloX.Core.Weights;

namespace YoloX.Testing;

/// <summary>
/// An official checkpoint as if the official trainer had fine-tuned it on fewer classes. No such checkpoint is among
/// the fixtures; this one is an official checkpoint whose classification convolutions keep only their first output
/// channels, written in torch.save's zip format.
/// </summary>
internal static class FewerClassCheckpoint
{
    public static void Write(string source, string target, int classes)
    {
        var state = PyTorchCheckpoint.ReadStateDict(source);
        try
        {
            using var scope = torch.NewDisposeScope();
            var cut = state.ToDictionary(kv => kv.Key, kv => kv.Key.StartsWith("head.cls_preds.", StringComparison.Ordinal)
                ? kv.Value.narrow(0, 0, classes).contiguous()
                : kv.Value);
            PyTorchPickler.PickleStateDict(target, cut);
        }
        finally
        {
            foreach (var t in state.Values)
            {
                t.Dispose();
            }
        }
    }
}
