using System.Globalization;
using YoloX.Training.Checkpoints;

namespace YoloX.Training.Engine;

/// <summary>
/// Writes <c>results.csv</c> (one row per epoch: mean losses, lr, the 12 COCO statistics, VOC mAP50) and
/// <c>iterations.csv</c> (one row per iteration: every loss term, lr, input size, the iteration's wall time and the part
/// of it spent waiting for the batch) in the output folder. A resumed run
/// first drops the rows past the checkpoint it resumes from, so the files read as one uninterrupted run.
/// </summary>
public sealed class CsvTrainingLogger : ITrainingCallback
{
    /// <summary>The per-epoch file's header.</summary>
    public const string ResultsHeader =
        "epoch,total_loss,iou_loss,l1_loss,conf_loss,cls_loss,lr,skipped,epoch_seconds," +
        "AP,AP50,AP75,APs,APm,APl,AR1,AR10,AR100,ARs,ARm,ARl,voc_mAP50";

    /// <summary>The per-iteration file's header.</summary>
    public const string IterationsHeader =
        "iteration,epoch,iter,total_loss,iou_loss,l1_loss,conf_loss,cls_loss,num_fg,lr,height,width,skipped,iter_seconds,data_seconds";

    private readonly string resultsPath;
    private readonly string iterationsPath;
    private StreamWriter? iterations;

    /// <summary>Logs into <paramref name="directory"/>.</summary>
    public CsvTrainingLogger(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory.CreateDirectory(directory);
        resultsPath = Path.Combine(directory, "results.csv");
        iterationsPath = Path.Combine(directory, "iterations.csv");
    }

    /// <summary>The per-epoch file.</summary>
    public string ResultsPath => resultsPath;

    /// <summary>The per-iteration file.</summary>
    public string IterationsPath => iterationsPath;

    /// <inheritdoc />
    public void OnTrainStart(TrainingStartInfo info)
    {
        Truncate(resultsPath, ResultsHeader, row => int.Parse(row.AsSpan(0, row.IndexOf(',')), CultureInfo.InvariantCulture) <= info.Progress.Epoch);
        Truncate(iterationsPath, IterationsHeader, row => long.Parse(row.AsSpan(0, row.IndexOf(',')), CultureInfo.InvariantCulture) < info.Progress.Iteration);
        iterations = new StreamWriter(iterationsPath, append: true);
    }

    /// <inheritdoc />
    public void OnIterationEnd(IterationInfo i)
    {
        var l = i.Loss;
        iterations?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{i.Iteration},{i.Epoch + 1},{i.BatchInEpoch + 1},{l.Total:R},{l.IoU:R},{l.L1:R},{l.Objectness:R},{l.Classification:R},{l.NumFg:R},{i.LearningRate:R},{i.InputHeight},{i.InputWidth},{(i.Skipped ? 1 : 0)},{i.IterationTime.TotalSeconds:F4},{i.DataTime.TotalSeconds:F4}"));
    }

    /// <inheritdoc />
    public void OnEpochEnd(EpochSummary s)
    {
        iterations?.Flush();
        var stats = s.Evaluation is { } e ? string.Join(",", e.CocoStatistics.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) : string.Join(",", Enumerable.Repeat("", 12));
        var voc = s.Evaluation?.VocMap50 is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : "";
        File.AppendAllText(resultsPath, string.Create(CultureInfo.InvariantCulture,
            $"{s.Epoch + 1},{s.TotalLoss:R},{s.IoULoss:R},{s.L1Loss:R},{s.ConfLoss:R},{s.ClsLoss:R},{s.LearningRate:R},{s.SkippedSteps},{s.Duration.TotalSeconds:F1},{stats},{voc}\n"));
    }

    /// <inheritdoc />
    public void OnCheckpointSaved(CheckpointSavedInfo info) => iterations?.Flush();

    /// <inheritdoc />
    public void OnTrainEnd(TrainingResult result)
    {
        iterations?.Dispose();
        iterations = null;
    }

    /// <summary>Keeps the header and the rows <paramref name="keep"/> accepts (rows of a run that went past its checkpoint go).</summary>
    private static void Truncate(string path, string header, Func<string, bool> keep)
    {
        var rows = File.Exists(path)
            ? File.ReadAllLines(path).Skip(1).Where(r => r.Length > 0 && r.Contains(',') && SafeKeep(keep, r)).ToList()
            : [];
        File.WriteAllLines(path, [header, .. rows]);
    }

    private static bool SafeKeep(Func<string, bool> keep, string row)
    {
        try
        {
            return keep(row);
        }
        catch (FormatException)
        {
            return false; // a line cut short by a kill
        }
    }
}
