using TorchSharp;
using static TorchSharp.torch;

namespace YoloX.Training.MpiHost;

/// <summary>Snapshots and comparisons of a model's state dict.</summary>
internal static class ModelState
{
    public static Dictionary<string, Tensor> Clone(nn.Module model) =>
        model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone().MoveToOuterDisposeScope());

    public static void Load(nn.Module model, Dictionary<string, Tensor> state)
    {
        using var _ = no_grad();
        foreach (var (name, value) in model.state_dict())
            value.copy_(state[name]);
    }

    /// <summary>Max |a − b| over every floating state tensor; +∞ when any value is not finite.</summary>
    public static double MaxAbsDiff(nn.Module model, Dictionary<string, Tensor> other)
    {
        var max = 0.0;
        foreach (var (name, value) in model.state_dict())
        {
            if (!value.is_floating_point())
            {
                Check.True(value.equal(other[name]).all().item<bool>(), $"{name} equal");
                continue;
            }
            using var a = value.detach().to(ScalarType.Float64);
            using var b = other[name].to(ScalarType.Float64);
            if (!a.isfinite().all().item<bool>() || !b.isfinite().all().item<bool>())
                return double.PositiveInfinity;
            using var d = (a - b).abs().max();
            max = Math.Max(max, d.item<double>());
        }
        return max;
    }

    /// <summary>True when every state tensor equals the snapshot bit for bit.</summary>
    public static bool BitEqual(nn.Module model, Dictionary<string, Tensor> other) =>
        model.state_dict().All(kv => kv.Value.detach().cpu().bytes.SequenceEqual(other[kv.Key].cpu().bytes));
}
