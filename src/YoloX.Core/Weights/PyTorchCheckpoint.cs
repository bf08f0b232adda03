using Microsoft.Extensions.Logging;
using System.Collections;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace YoloX.Core.Weights;

/// <summary>
/// Reads official PyTorch checkpoints written by <c>torch.save</c> (zip format): either a bare state_dict or the
/// official trainer's <c>{"model": state_dict, "optimizer": ..., "start_epoch": ...}</c>. Unpickling is done by
/// TorchSharp.PyBridge, which understands PyTorch's zip + pickle layout.
/// </summary>
public static class PyTorchCheckpoint
{
    private static readonly string[] ModelKeys = ["model", "state_dict", "ema"];

    /// <summary>
    /// The model state_dict in the file, keyed by official names. The caller owns (disposes) the tensors.
    /// </summary>
    /// <exception cref="WeightsFormatException">The file is not a readable PyTorch zip checkpoint.</exception>
    public static Dictionary<string, Tensor> ReadStateDict(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"PyTorch checkpoint '{path}' does not exist.", path);
        }
        if (!LooksLikeZip(path))
        {
            throw new WeightsFormatException(path, "not a PyTorch zip checkpoint (torch.save with the default zip format is required).");
        }
        Hashtable root;
        try
        {
            root = PyTorchUnpickler.UnpickleStateDict(path);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new WeightsFormatException(path, "the PyTorch checkpoint could not be unpickled: " + e.Message, e);
        }
        var dict = ModelKeys.Select(k => root[k]).OfType<Hashtable>().FirstOrDefault() ?? root;
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in dict)
        {
            if (entry.Key is string key && entry.Value is Tensor t)
            {
                result[key.StartsWith("module.", StringComparison.Ordinal) ? key["module.".Length..] : key] = t;
            }
        }
        if (result.Count == 0)
        {
            throw new WeightsFormatException(path, "the checkpoint holds no tensors under 'model' or at its top level.");
        }
        return result;
    }

    /// <summary>
    /// Loads an official checkpoint into <paramref name="model"/>: keys are matched by name; unexpected keys are
    /// reported. Missing tensors (which would keep their random initial values) and shape mismatches (another scale
    /// or class count) throw <see cref="WeightsMismatchException"/> naming them, unless
    /// <paramref name="skipMismatchedShapes"/>: fine-tuning from COCO weights asks to skip what does not fit, and
    /// then gets both in the returned report (like the official <c>load_ckpt</c>, which warns and goes on).
    /// </summary>
    /// <exception cref="WeightsFormatException">The file is not a readable PyTorch zip checkpoint.</exception>
    /// <exception cref="WeightsMismatchException">Tensors are missing or do not fit, and skipping was not asked for.</exception>
    public static LoadReport Load(YoloXModel model, string path, bool skipMismatchedShapes = false)
    {
        var state = ReadStateDict(path);
        try
        {
            return Apply(model, state, path, skipMismatchedShapes);
        }
        finally
        {
            DisposeAll(state);
        }
    }

    /// <summary>
    /// Builds <paramref name="preset"/>'s model and loads an official checkpoint into it, with the class count of the
    /// checkpoint's classification head unless <paramref name="numClasses"/> is given: a checkpoint the official
    /// trainer fine-tuned on other classes says how many only by that tensor's shape. The caller owns the model.
    /// </summary>
    /// <exception cref="WeightsFormatException">The file is not a readable PyTorch zip checkpoint.</exception>
    /// <exception cref="WeightsMismatchException">
    /// The checkpoint does not fit the preset (another scale), or not <paramref name="numClasses"/> classes.
    /// </exception>
    public static YoloXModel LoadModel(string path, YoloXPreset preset, int? numClasses = null)
    {
        var state = ReadStateDict(path);
        try
        {
            var model = YoloXModel.Create(preset, numClasses ?? ClassCount(state) ?? 80); // 80: COCO's, as the official exps
            try
            {
                Apply(model, state, path, skipMismatchedShapes: false);
                return model;
            }
            catch
            {
                model.Dispose();
                throw;
            }
        }
        finally
        {
            DisposeAll(state);
        }
    }

    /// <summary>The output channels of the first classification convolution, when the state dict has one.</summary>
    private static int? ClassCount(Dictionary<string, Tensor> state) =>
        state.TryGetValue("head.cls_preds.0.weight", out var weight) && weight.dim() == 4 && weight.shape[0] > 0
            ? (int)weight.shape[0]
            : null;

    private static LoadReport Apply(YoloXModel model, Dictionary<string, Tensor> state, string path, bool skipMismatchedShapes)
    {
        var report = StateDict.Compare(model, state);
        var loaded = state.Count - report.Unexpected.Count - report.ShapeMismatches.Count;
        if ((report.ShapeMismatches.Count > 0 || report.Missing.Count > 0) && !skipMismatchedShapes)
        {
            throw new WeightsMismatchException($"{path}: the weights do not fit the model: {report}", report);
        }
        if (loaded == 0)
        {
            throw new WeightsMismatchException($"{path}: no tensor of the checkpoint matches the model's keys: {report}", report);
        }
        StateDict.Load(model, state, strict: false);
        return report;
    }

    private static void DisposeAll(Dictionary<string, Tensor> state)
    {
        foreach (var t in state.Values)
        {
            t.Dispose();
        }
    }

    /// <summary>
    /// <see cref="Load(YoloXModel, string, bool)"/> that also logs to <paramref name="logger"/>: a warning for each
    /// skipped tensor (shape mismatch), and for missing and unexpected keys.
    /// </summary>
    public static LoadReport Load(YoloXModel model, string path, bool skipMismatchedShapes, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        var report = Load(model, path, skipMismatchedShapes);
        foreach (var key in report.ShapeMismatches)
        {
            logger.LogWarning("{Path}: skipped checkpoint tensor {Key} (its shape differs from the model's)", path, key);
        }
        if (report.Missing.Count > 0)
        {
            logger.LogWarning("{Path}: {Count} model tensor(s) not in the checkpoint keep their initial values: {Keys}",
                path, report.Missing.Count, string.Join(", ", report.Missing.Take(10)));
        }
        if (report.Unexpected.Count > 0)
        {
            logger.LogWarning("{Path}: {Count} checkpoint tensor(s) unknown to the model were ignored: {Keys}",
                path, report.Unexpected.Count, string.Join(", ", report.Unexpected.Take(10)));
        }
        logger.LogDebug("{Path}: {Report}", path, report);
        return report;
    }

    private static bool LooksLikeZip(string path)
    {
        Span<byte> magic = stackalloc byte[4];
        using var stream = File.OpenRead(path);
        return stream.Read(magic) == 4 && magic[0] == 0x50 && magic[1] == 0x4B && magic[2] == 0x03 && magic[3] == 0x04;
    }
}
