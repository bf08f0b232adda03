using Xunit;
using YoloX.Core.Loss;
using YoloX.Training.Checkpoints;
using YoloX.Training.Engine;

namespace YoloX.Training.Tests.Engine;

/// <summary>
/// What <c>iterations.csv</c> and <c>results.csv</c> hold, and how a resume cuts them back to its checkpoint. There is
/// no official file to compare with: the official trainer writes no per-iteration CSV (its log line carries the same
/// iteration and data times).
/// </summary>
public sealed class CsvTrainingLoggerTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("yolox-csv-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void Iteration_rows_carry_the_loss_terms_the_size_and_the_iteration_and_data_seconds()
    {
        var logger = new CsvTrainingLogger(folder);
        logger.OnTrainStart(Start(TrainingProgress.Start(0, 416, 416)));
        logger.OnIterationEnd(Iteration(0, TimeSpan.FromMilliseconds(512.5), TimeSpan.FromMilliseconds(3.5)));
        logger.OnTrainEnd(End());

        var lines = File.ReadAllLines(Path.Combine(folder, "iterations.csv"));
        Assert.Equal(CsvTrainingLogger.IterationsHeader, lines[0]);
        var header = lines[0].Split(',');
        var row = lines[1].Split(',');
        Assert.Equal(header.Length, row.Length);
        string Cell(string name) => row[Array.IndexOf(header, name)];
        Assert.Equal("5.5", Cell("total_loss"));
        Assert.Equal("448", Cell("height"));
        Assert.Equal("0", Cell("skipped"));
        Assert.Equal("0.5125", Cell("iter_seconds"));
        Assert.Equal("0.0035", Cell("data_seconds"));
    }

    [Fact]
    public void A_resume_drops_the_rows_past_its_checkpoint()
    {
        var logger = new CsvTrainingLogger(folder);
        logger.OnTrainStart(Start(TrainingProgress.Start(0, 416, 416)));
        for (var i = 0; i < 5; i++)
        {
            logger.OnIterationEnd(Iteration(i, TimeSpan.FromSeconds(0.5), TimeSpan.Zero));
        }
        logger.OnTrainEnd(End());

        var resumed = new CsvTrainingLogger(folder);
        resumed.OnTrainStart(Start(TrainingProgress.Start(0, 416, 416) with { Iteration = 3 }));
        resumed.OnIterationEnd(Iteration(3, TimeSpan.FromSeconds(0.25), TimeSpan.Zero));
        resumed.OnTrainEnd(End());

        var iterations = File.ReadAllLines(Path.Combine(folder, "iterations.csv")).Skip(1)
            .Select(l => l.Split(',')).ToList();
        Assert.Equal(["0", "1", "2", "3"], iterations.Select(c => c[0]));
        Assert.Equal("0.2500", iterations[3][^2]);
    }

    private static TrainingStartInfo Start(TrainingProgress progress) =>
        new(TrainingRecipe.Default, "", progress, 37, 8, ["a"], progress.Iteration > 0);

    private TrainingResult End() =>
        new(TrainingStopReason.Completed, TrainingProgress.Start(0, 416, 416), folder);

    private static IterationInfo Iteration(long iteration, TimeSpan time, TimeSpan data) =>
        new(0, 20, (int)iteration, 37, iteration, new LossValues(5.5, 2.0, 2.5, 1.0, 0, 3.25, 26, 8), 1e-3,
            448, 448, time, data, 15.6, 3000, TimeSpan.FromMinutes(10), Skipped: false);
}
