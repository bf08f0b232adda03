using System.Text.Json;
using System.Text.Json.Serialization;
using YoloX.Core;
using YoloX.Core.Weights;
using static TorchSharp.torch;

namespace YoloX.Training.Checkpoints;

/// <summary>
/// Reads and writes the trainer's checkpoints: one safetensors file with <c>model/</c>, <c>ema/</c> and
/// <c>optimizer/</c> tensors and JSON metadata (configuration, class names, progress, recipe). Writes are atomic and
/// durable (temp file, fsync, rename, folder fsync), so a crash or full disk never leaves a broken checkpoint.
/// </summary>
public static class TrainingCheckpoint
{
    /// <summary>The format tag in the metadata.</summary>
    public const string FormatTag = "yolox.net/train-1";

    /// <summary>The checkpoint file extension.</summary>
    public const string Extension = ".safetensors";

    private const string ModelPrefix = "model/";
    private const string EmaPrefix = "ema/";
    private const string OptimizerPrefix = "optimizer/";

    private static readonly JsonSerializerOptions Json = new()
    {
        Converters = { new JsonStringEnumConverter() },
        WriteIndented = false,
    };

    /// <summary>The official-style file name of a checkpoint kind (<c>latest_ckpt.safetensors</c>, ...).</summary>
    public static string FileName(CheckpointKind kind, int epoch = 0) => kind switch
    {
        CheckpointKind.Latest => "latest_ckpt" + Extension,
        CheckpointKind.Best => "best_ckpt" + Extension,
        CheckpointKind.LastMosaicEpoch => "last_mosaic_epoch_ckpt" + Extension,
        _ => $"epoch_{epoch}_ckpt" + Extension,
    };

    /// <summary>Writes a checkpoint atomically.</summary>
    /// <param name="path">Target file; replaced only once the new file is completely on disk.</param>
    /// <param name="model">The trained model.</param>
    /// <param name="ema">The EMA model, or <c>null</c>.</param>
    /// <param name="optimizer">The optimiser's state tensors.</param>
    /// <param name="progress">Counters and best AP.</param>
    /// <param name="classNames">Class names (one per class).</param>
    /// <param name="recipe">The settings in force, as text.</param>
    public static void Save(string path, YoloXModel model, YoloXModel? ema,
        IReadOnlyList<KeyValuePair<string, Tensor>> optimizer, TrainingProgress progress,
        IReadOnlyList<string> classNames, string recipe)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(progress);
        ArgumentNullException.ThrowIfNull(classNames);
        if (classNames.Count != model.NumClasses)
        {
            throw new ArgumentException($"{classNames.Count} class names for a model with {model.NumClasses} classes.", nameof(classNames));
        }
        var tensors = new List<KeyValuePair<string, Tensor>>();
        tensors.AddRange(StateDict.Ordered(model).Select(kv => KeyValuePair.Create(ModelPrefix + kv.Key, kv.Value)));
        if (ema is not null)
        {
            tensors.AddRange(StateDict.Ordered(ema).Select(kv => KeyValuePair.Create(EmaPrefix + kv.Key, kv.Value)));
        }
        tensors.AddRange(optimizer.Select(kv => KeyValuePair.Create(OptimizerPrefix + kv.Key, kv.Value)));
        var metadata = new Dictionary<string, string>
        {
            ["format"] = FormatTag,
            ["config"] = JsonSerializer.Serialize(model.Config, Json),
            ["class_names"] = JsonSerializer.Serialize(classNames, Json),
            ["progress"] = JsonSerializer.Serialize(progress, Json),
            ["recipe"] = recipe ?? "",
        };
        TensorFile.Write(path, tensors, metadata);
    }

    /// <summary>True when <paramref name="path"/> is one of our training checkpoints (reads the header only).</summary>
    public static bool IsTrainingCheckpoint(string path)
    {
        try
        {
            return TensorFile.ReadMetadata(path).TryGetValue("format", out var f) && f == FormatTag;
        }
        catch (Exception e) when (e is CheckpointFormatException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Reads only the progress counters (best AP, epoch) of a checkpoint.</summary>
    public static TrainingProgress ReadProgress(string path) =>
        ParseMetadata(path, TensorFile.ReadMetadata(path)).Progress;

    /// <summary>Reads a whole checkpoint.</summary>
    /// <exception cref="CheckpointFormatException">The file is not a complete training checkpoint.</exception>
    public static TrainingCheckpointData Load(string path)
    {
        var (metadata, tensors) = TensorFile.Read(path);
        try
        {
            var (config, names, progress, recipe) = ParseMetadata(path, metadata);
            var model = Take(tensors, ModelPrefix);
            var ema = Take(tensors, EmaPrefix);
            var optimizer = Take(tensors, OptimizerPrefix);
            if (model.Count == 0)
            {
                throw new CheckpointFormatException(path, "the checkpoint holds no model tensors.");
            }
            return new TrainingCheckpointData(config, names, progress, recipe, model, ema.Count > 0 ? ema : null, optimizer);
        }
        catch
        {
            foreach (var t in tensors.Values)
            {
                t.Dispose();
            }
            throw;
        }
    }

    /// <summary>
    /// Builds the model a checkpoint describes with the EMA weights (what the official trainer evaluates and saves),
    /// or the raw trained weights when <paramref name="preferEma"/> is false or there is no EMA. Unfused, eval mode.
    /// </summary>
    public static (YoloXModel Model, IReadOnlyList<string> ClassNames) LoadModel(string path, bool preferEma = true)
    {
        using var data = Load(path);
        var model = YoloXModel.Create(data.Config);
        try
        {
            StateDict.Load(model, preferEma && data.Ema is not null ? data.Ema : data.Model);
            model.eval();
            return (model, data.ClassNames);
        }
        catch (WeightsMismatchException e)
        {
            model.Dispose();
            throw new CheckpointFormatException(path, "the weights do not fit the recorded configuration: " + e.Message, e);
        }
    }

    private static (YoloXConfig Config, IReadOnlyList<string> Names, TrainingProgress Progress, string Recipe) ParseMetadata(
        string path, IReadOnlyDictionary<string, string> metadata)
    {
        if (!metadata.TryGetValue("format", out var format) || format != FormatTag)
        {
            throw new CheckpointFormatException(path, $"not a YoloX.NET training checkpoint (format '{FormatTag}').");
        }
        try
        {
            var config = JsonSerializer.Deserialize<YoloXConfig>(metadata["config"], Json)!.Validate();
            var names = JsonSerializer.Deserialize<string[]>(metadata["class_names"], Json) ?? [];
            var progress = JsonSerializer.Deserialize<TrainingProgress>(metadata["progress"], Json)!;
            return (config, names, progress, metadata.GetValueOrDefault("recipe", ""));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or ArgumentException or NullReferenceException)
        {
            throw new CheckpointFormatException(path, "the checkpoint metadata is not valid: " + e.Message, e);
        }
    }

    private static Dictionary<string, Tensor> Take(Dictionary<string, Tensor> tensors, string prefix) =>
        tensors.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value, StringComparer.Ordinal);
}
