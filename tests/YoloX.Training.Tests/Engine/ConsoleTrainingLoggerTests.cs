using Xunit;
using YoloX.Core.Loss;
using YoloX.Training.Checkpoints;
using YoloX.Training.Engine;

namespace YoloX.Training.Tests.Engine;

/// <summary>
/// What the console log shows by default (the official trainer's lines) and with <see cref="ConsoleTrainingLogger.Quiet"/>
/// (results only). The line format itself is the official one; no official log is compared here.
/// </summary>
public sealed class ConsoleTrainingLoggerTests
{
    [Fact]
    public void By_default_it_prints_the_recipe_the_iteration_lines_notices_and_checkpoints()
    {
        var text = Feed(new StringWriter(), quiet: false);

        Assert.Contains("Training recipe:", text, StringComparison.Ordinal);
        Assert.Contains("epoch: 1/2, iter: 2/2, mem: 3000Mb", text, StringComparison.Ordinal);
        Assert.Contains("--->No mosaic aug now!", text, StringComparison.Ordinal);
        Assert.Contains("saved latest_ckpt.safetensors", text, StringComparison.Ordinal);
        Assert.Contains("epoch 1 evaluation: AP50:95 0.4500", text, StringComparison.Ordinal);
        Assert.Contains("best AP is 45.00", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Quiet_prints_only_evaluations_failed_saves_and_the_closing_line()
    {
        var lines = Feed(new StringWriter(), quiet: true).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(3, lines.Length);
        Assert.StartsWith("epoch 1 evaluation: AP50:95 0.4500", lines[0], StringComparison.Ordinal);
        Assert.Equal("saving best_ckpt.safetensors failed, the previous file is intact: disk full", lines[1].TrimEnd());
        Assert.StartsWith("Training of experiment is done (Completed) and the best AP is 45.00", lines[2], StringComparison.Ordinal);
    }

    private static string Feed(StringWriter writer, bool quiet)
    {
        var logger = new ConsoleTrainingLogger(writer, printInterval: 10) { Quiet = quiet };
        var progress = TrainingProgress.Start(0, 416, 416) with { BestAp = 0.45 };
        logger.OnTrainStart(new TrainingStartInfo(TrainingRecipe.Default, "max_epoch: 2", progress, 2, 8, ["a"], false));
        for (var b = 0; b < 2; b++)
        {
            logger.OnIterationEnd(new IterationInfo(0, 2, b, 2, b, new LossValues(5, 2, 2, 1, 0, 3, 24, 8), 1e-3, 416, 416,
                TimeSpan.FromSeconds(0.5), TimeSpan.Zero, 16, 3000, TimeSpan.FromSeconds(1), Skipped: false));
        }
        logger.OnMessage("--->No mosaic aug now!");
        logger.OnEvaluationEnd(new TrainingEvaluation(0, [0.45, 0.8, 0.5, 0, 0, 0, 0, 0, 0, 0, 0, 0], null, Improved: true));
        logger.OnCheckpointSaved(new CheckpointSavedInfo(CheckpointKind.Latest, "latest_ckpt.safetensors", progress));
        logger.OnCheckpointSaved(new CheckpointSavedInfo(CheckpointKind.Best, "best_ckpt.safetensors", progress,
            new IOException("disk full")));
        logger.OnTrainEnd(new TrainingResult(TrainingStopReason.Completed, progress, "out"));
        return writer.ToString();
    }
}
