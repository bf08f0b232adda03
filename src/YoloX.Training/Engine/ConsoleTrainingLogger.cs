using System.Globalization;

namespace YoloX.Training.Engine;

/// <summary>
/// Writes the official trainer's log lines: the settings at start, one line every <c>print_interval</c> iterations
/// (epoch/iter, memory, iteration and data time, the loss terms, lr, input size, ETA), evaluation results and notices.
/// </summary>
public sealed class ConsoleTrainingLogger : ITrainingCallback
{
    private readonly TextWriter writer;
    private readonly int printInterval;

    /// <summary>Logs to <paramref name="writer"/> every <paramref name="printInterval"/> iterations.</summary>
    public ConsoleTrainingLogger(TextWriter writer, int printInterval = 10)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(printInterval);
        this.writer = writer;
        this.printInterval = printInterval;
    }

    /// <summary>
    /// Results only: each evaluation, a checkpoint that could not be written, and the closing line — no recipe, no
    /// iteration lines, no notices (a command line's <c>--quiet</c>). Off by default.
    /// </summary>
    public bool Quiet { get; init; }

    /// <inheritdoc />
    public void OnTrainStart(TrainingStartInfo info)
    {
        if (Quiet)
        {
            return;
        }
        writer.WriteLine("Training recipe:");
        writer.WriteLine(info.RecipeText);
        writer.WriteLine(Invariant($"classes: {string.Join(", ", info.ClassNames)}; {info.BatchesPerEpoch} iterations per epoch, global batch {info.GlobalBatchSize}"));
        if (info.Resumed)
        {
            writer.WriteLine(Invariant($"resumed at epoch {info.Progress.Epoch + 1}, iteration {info.Progress.Iteration}, best AP {Math.Max(info.Progress.BestAp, 0):F4}"));
        }
        writer.WriteLine("---> start train!");
    }

    /// <inheritdoc />
    public void OnIterationEnd(IterationInfo i)
    {
        if (Quiet || (i.BatchInEpoch + 1) % printInterval != 0 && i.BatchInEpoch + 1 != i.BatchesPerEpoch)
        {
            return;
        }
        writer.WriteLine(Format(i));
    }

    /// <summary>One official-style line, e.g. <c>epoch: 1/300, iter: 10/37, mem: 812Mb, iter_time: 0.850s, ...</c>.</summary>
    public static string Format(IterationInfo i)
    {
        var l = i.Loss;
        var skipped = i.Skipped ? " (skipped: non-finite loss)" : "";
        return Invariant(
            $"epoch: {i.Epoch + 1}/{i.MaxEpoch}, iter: {i.BatchInEpoch + 1}/{i.BatchesPerEpoch}, mem: {i.MemoryMb:F0}Mb, iter_time: {i.IterationTime.TotalSeconds:F3}s, data_time: {i.DataTime.TotalSeconds:F3}s, total_loss: {l.Total:F1}, iou_loss: {l.IoU:F1}, l1_loss: {l.L1:F1}, conf_loss: {l.Objectness:F1}, cls_loss: {l.Classification:F1}, lr: {i.LearningRate:0.000e+00}, size: {i.InputHeight}, {i.ImagesPerSecond:F1} img/s, ETA: {FormatEta(i.Eta)}{skipped}");
    }

    /// <inheritdoc />
    public void OnEvaluationEnd(TrainingEvaluation e)
    {
        var s = e.CocoStatistics;
        var voc = e.VocMap50 is { } v ? Invariant($", VOC mAP50 {v:F4}") : "";
        var best = e.Improved ? " (best so far)" : "";
        writer.WriteLine(Invariant($"epoch {e.Epoch + 1} evaluation: AP50:95 {s[0]:F4}, AP50 {s[1]:F4}, AP75 {s[2]:F4}{voc}{best}"));
    }

    /// <inheritdoc />
    public void OnCheckpointSaved(CheckpointSavedInfo info)
    {
        if (info.Error is null)
        {
            if (!Quiet)
            {
                writer.WriteLine($"saved {info.Path}");
            }
        }
        else if (Quiet)
        {
            // Not quiet, the trainer's own notice (OnMessage) has already said so.
            writer.WriteLine($"saving {info.Path} failed, the previous file is intact: {info.Error.Message}");
        }
    }

    /// <inheritdoc />
    public void OnMessage(string message)
    {
        if (!Quiet)
        {
            writer.WriteLine(message);
        }
    }

    /// <inheritdoc />
    public void OnTrainEnd(TrainingResult result) =>
        writer.WriteLine(Invariant($"Training of experiment is done ({result.Reason}) and the best AP is {Math.Max(result.Progress.BestAp, 0) * 100:F2}"));

    private static string FormatEta(TimeSpan eta) =>
        eta.TotalDays >= 1 ? Invariant($"{(int)eta.TotalDays} day, {eta:hh\\:mm\\:ss}") : Invariant($"{(int)eta.TotalHours}:{eta:mm\\:ss}");

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
