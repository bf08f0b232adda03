using TorchSharp;
using static TorchSharp.torch;

namespace YoloX.Core.Weights;

/// <summary>What a state-dict load did: keys the model lacked in the source, keys it did not know, shape clashes.</summary>
/// <param name="Missing">Model keys the source did not provide (left as they were).</param>
/// <param name="Unexpected">Source keys the model does not have (ignored).</param>
/// <param name="ShapeMismatches">Keys present in both with different shapes (not loaded).</param>
public sealed record LoadReport(
    IReadOnlyList<string> Missing, IReadOnlyList<string> Unexpected, IReadOnlyList<string> ShapeMismatches)
{
    /// <summary>True when every key matched in name and shape.</summary>
    public bool IsExact => Missing.Count == 0 && Unexpected.Count == 0 && ShapeMismatches.Count == 0;

    /// <inheritdoc />
    public override string ToString() =>
        IsExact
            ? "all keys loaded"
            : $"{Missing.Count} missing, {Unexpected.Count} unexpected, {ShapeMismatches.Count} shape mismatches" +
              Sample(" missing: ", Missing) + Sample(" unexpected: ", Unexpected) + Sample(" mismatched: ", ShapeMismatches);

    private static string Sample(string label, IReadOnlyList<string> keys) =>
        keys.Count == 0 ? "" : label + string.Join(", ", keys.Take(5)) + (keys.Count > 5 ? ", …" : "") + ";";
}

/// <summary>Thrown when weights do not fit a model (wrong scale, class count or format).</summary>
public sealed class WeightsMismatchException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WeightsMismatchException(string message, LoadReport? report = null) : base(message) => Report = report;

    /// <summary>The load report, when the mismatch came from a key comparison.</summary>
    public LoadReport? Report { get; }
}

/// <summary>State-dict helpers that keep PyTorch's key order and report what did not load.</summary>
public static class StateDict
{
    /// <summary>
    /// The module's parameters and persistent buffers in PyTorch's <c>state_dict()</c> order: per module its own
    /// parameters, then its own buffers, then its children depth-first (TorchSharp lists all parameters first).
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, Tensor>> Ordered(nn.Module module)
    {
        var result = new List<KeyValuePair<string, Tensor>>();
        Collect(module, "", result);
        return result;
    }

    /// <summary>
    /// Copies matching tensors from <paramref name="source"/> into the module (no gradient, dtype and device of the
    /// model kept). With <paramref name="strict"/>, any missing, unexpected or mismatched key throws
    /// <see cref="WeightsMismatchException"/> before anything is copied.
    /// </summary>
    public static LoadReport Load(nn.Module module, IReadOnlyDictionary<string, Tensor> source, bool strict = true)
    {
        var report = Compare(module, source);
        if (strict && !report.IsExact)
        {
            throw new WeightsMismatchException($"The weights do not fit the model: {report}", report);
        }
        var target = Ordered(module).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        using var noGrad = torch.no_grad();
        foreach (var (key, value) in source)
        {
            if (target.TryGetValue(key, out var t) && t.shape.SequenceEqual(value.shape))
            {
                t.copy_(value);
            }
        }
        return report;
    }

    /// <summary>Compares a source state dict with the module's keys and shapes without copying anything.</summary>
    public static LoadReport Compare(nn.Module module, IReadOnlyDictionary<string, Tensor> source)
    {
        var target = Ordered(module).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        var missing = target.Keys.Where(k => !source.ContainsKey(k)).ToList();
        var unexpected = source.Keys.Where(k => !target.ContainsKey(k)).ToList();
        var mismatched = source.Keys
            .Where(k => target.TryGetValue(k, out var t) && !t.shape.SequenceEqual(source[k].shape))
            .Select(k => $"{k} (model [{string.Join(",", target[k].shape)}], weights [{string.Join(",", source[k].shape)}])")
            .ToList();
        return new LoadReport(missing, unexpected, mismatched);
    }

    private static void Collect(nn.Module module, string prefix, List<KeyValuePair<string, Tensor>> into)
    {
        foreach (var (name, p) in module.named_parameters(recurse: false))
        {
            into.Add(new(prefix + name, p));
        }
        foreach (var (name, b) in module.named_buffers(recurse: false, include_nonpersistent: false))
        {
            into.Add(new(prefix + name, b));
        }
        foreach (var (name, child) in module.named_children())
        {
            Collect(child, prefix + name + ".", into);
        }
    }
}
