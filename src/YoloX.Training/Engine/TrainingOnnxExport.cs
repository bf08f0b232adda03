using YoloX.Core.Export;
using YoloX.Training.Checkpoints;

namespace YoloX.Training.Engine;

/// <summary>
/// The trainer reaches deployment: <c>run.Train().ExportOnnx("mine.onnx", options)</c>, or any training checkpoint
/// (<c>best_ckpt.safetensors</c>, <c>latest_ckpt.safetensors</c>) to an ONNX file with its class names.
/// </summary>
public static class TrainingOnnxExport
{
    /// <summary>
    /// Exports the run's <c>best</c> checkpoint, or its <c>latest</c> when no evaluation ran (see
    /// <see cref="ExportCheckpoint"/>).
    /// </summary>
    /// <returns>The checkpoint that was exported.</returns>
    /// <exception cref="OnnxExportException">The model cannot be exported.</exception>
    /// <exception cref="CheckpointFormatException">The checkpoint cannot be read.</exception>
    public static string ExportOnnx(this TrainingResult result, string path, OnnxExportOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        var checkpoint = File.Exists(result.BestCheckpoint) ? result.BestCheckpoint : result.LatestCheckpoint;
        ExportCheckpoint(checkpoint, path, options, cancellationToken: cancellationToken);
        return checkpoint;
    }

    /// <summary>
    /// Exports a training checkpoint's model — the EMA weights when it has them (what the official trainer evaluates
    /// and keeps), else the trained ones — with the checkpoint's class names unless <paramref name="options"/> names them.
    /// </summary>
    /// <exception cref="OnnxExportException">The model cannot be exported.</exception>
    /// <exception cref="CheckpointFormatException">The file is not a complete training checkpoint.</exception>
    public static void ExportCheckpoint(string checkpoint, string path, OnnxExportOptions? options = null,
        bool preferEma = true, CancellationToken cancellationToken = default)
    {
        var (model, names) = TrainingCheckpoint.LoadModel(checkpoint, preferEma);
        using (model)
        {
            options ??= OnnxExportOptions.Default;
            model.ExportOnnx(path, options with { ClassNames = options.ClassNames ?? names }, cancellationToken);
        }
    }
}
