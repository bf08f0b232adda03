using TorchSharp;
using YoloX.Core;
using YoloX.Core.Modules;
using YoloX.Core.Weights;
using YoloX.Training.Checkpoints;
using static TorchSharp.torch;

namespace YoloX.Training.Engine;

/// <summary>
/// Starts fine-tuning from pretrained weights of any class count: official <c>.pth</c> checkpoints, official ONNX
/// files (BatchNorm folded: each convolution gets the folded weight and its BatchNorm becomes the identity with the
/// folded bias, so eval mode reproduces the official model), our model checkpoints and our training checkpoints (EMA
/// weights). Every tensor that matches in name and shape is loaded; every skipped or reshaped one is in the report,
/// which the trainer prints — never a silent skip.
/// </summary>
public static class PretrainedWeights
{
    /// <summary>Loads the matching tensors of <paramref name="path"/> into <paramref name="model"/> (unfused).</summary>
    /// <param name="model">The model to fine-tune (its class count may differ from the weights').</param>
    /// <param name="path">A <c>.pth</c>, <c>.onnx</c>, or one of our <c>.safetensors</c> checkpoints.</param>
    /// <returns>What loaded and what did not (missing, unexpected, shape mismatches).</returns>
    /// <exception cref="WeightsMismatchException">Nothing of the weights fits the model (another architecture).</exception>
    public static LoadReport LoadInto(YoloXModel model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (model.IsFused)
        {
            throw new ArgumentException("Fine-tuning needs an unfused model.", nameof(model));
        }
        var source = ReadStateDict(path, model.Config);
        try
        {
            var report = StateDict.Load(model, source, strict: false);
            var loaded = source.Count - report.Unexpected.Count - report.ShapeMismatches.Count;
            if (loaded <= 0)
            {
                throw new WeightsMismatchException($"No tensor of '{path}' fits the model ({model.Config.Preset?.ToString() ?? "custom"}): {report}", report);
            }
            return report;
        }
        finally
        {
            foreach (var t in source.Values)
            {
                t.Dispose();
            }
        }
    }

    /// <summary>A human-readable summary: counts, then every skipped tensor by name.</summary>
    public static string Describe(LoadReport report, string path)
    {
        ArgumentNullException.ThrowIfNull(report);
        var lines = new List<string>
        {
            $"weights {Path.GetFileName(path)}: {(report.IsExact ? "every tensor loaded" : $"{report.ShapeMismatches.Count} reshaped (skipped, left at init), {report.Missing.Count} missing (left at init), {report.Unexpected.Count} unused")}",
        };
        lines.AddRange(report.ShapeMismatches.Select(k => "  skipped (shape): " + k));
        lines.AddRange(report.Missing.Where(k => !report.ShapeMismatches.Any(m => m.StartsWith(k + " ", StringComparison.Ordinal))).Select(k => "  missing: " + k));
        lines.AddRange(report.Unexpected.Select(k => "  unused: " + k));
        return string.Join(Environment.NewLine, lines);
    }

    private static Dictionary<string, Tensor> ReadStateDict(string path, YoloXConfig target)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Weights '{path}' do not exist.", path);
        }
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension == ".onnx")
        {
            return FromOnnx(path, target);
        }
        if (extension == TrainingCheckpoint.Extension && TrainingCheckpoint.IsTrainingCheckpoint(path))
        {
            var (model, _) = TrainingCheckpoint.LoadModel(path);
            using (model)
            {
                return Copy(model);
            }
        }
        if (extension == TrainingCheckpoint.Extension)
        {
            var (model, _) = YoloXCheckpoint.Load(path);
            using (model)
            {
                return model.IsFused ? Unfold(model) : Copy(model);
            }
        }
        return PyTorchCheckpoint.ReadStateDict(path);
    }

    /// <summary>The ONNX graph's weights on a fused model of the graph's class count, unfolded to unfused keys.</summary>
    private static Dictionary<string, Tensor> FromOnnx(string path, YoloXConfig target)
    {
        var (fused, _) = target.Preset is { } preset ? OnnxWeightsImporter.Load(path, preset) : OnnxWeightsImporter.Load(path);
        using (fused)
        {
            return Unfold(fused);
        }
    }

    /// <summary>
    /// Turns a fused model's state into unfused keys: per BaseConv, <c>conv.weight</c> stays, <c>bn.weight</c> = 1,
    /// <c>bn.bias</c> = the folded bias, running mean 0 and running variance 1 − eps (so the BN is the identity in eval).
    /// </summary>
    private static Dictionary<string, Tensor> Unfold(YoloXModel fused)
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var baseConvs = fused.named_modules().Where(m => m.module is BaseConv).Select(m => m.name + ".").ToHashSet(StringComparer.Ordinal);
        using var noGrad = torch.no_grad();
        foreach (var (key, value) in StateDict.Ordered(fused))
        {
            var prefix = baseConvs.FirstOrDefault(p => key == p + "conv.weight" || key == p + "conv.bias");
            if (prefix is null)
            {
                result[key] = value.detach().clone();
            }
            else if (key.EndsWith("conv.weight", StringComparison.Ordinal))
            {
                result[key] = value.detach().clone();
            }
            else
            {
                result[prefix + "bn.weight"] = torch.ones_like(value);
                result[prefix + "bn.bias"] = value.detach().clone();
                result[prefix + "bn.running_mean"] = torch.zeros_like(value);
                // An explicit Scalar: an implicit one could be finalized during the native call (see CachedScalars).
                using var variance = (1 - BaseConv.BatchNormEps).ToScalar();
                result[prefix + "bn.running_var"] = torch.full_like(value, variance);
                result[prefix + "bn.num_batches_tracked"] = torch.tensor(0L);
            }
        }
        return result;
    }

    private static Dictionary<string, Tensor> Copy(YoloXModel model) =>
        StateDict.Ordered(model).ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone(), StringComparer.Ordinal);
}
