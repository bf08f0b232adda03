using Xunit;
using YoloX.Training.Engine;

namespace YoloX.Training.Tests.Engine;

/// <summary><see cref="YoloXTrainer.Train(IProgress{IterationInfo}, CancellationToken)"/>: the .NET progress pattern over real training steps.</summary>
public sealed class TrainerProgressTests
{
    [Fact]
    public void Train_with_a_progress_reports_every_iteration_once_and_in_order()
    {
        using var dir = new TempDir();
        var data = TrainingFixtures.Bccd(4);
        var recipe = TrainingFixtures.TinyRecipe with
        {
            MaxEpoch = 2, NoAugEpochs = 0, RandomSize = null, MultiscaleRange = 0, InputSize = (64, 64), TestSize = (64, 64),
        };
        using var model = TrainingFixtures.Nano(data.ClassNames.Count);
        using var loader = TrainingFixtures.Loader(data, recipe);
        using var trainer = new YoloXTrainer(model, loader, data.ClassNames, recipe, TrainingFixtures.Options(dir.Path));
        var reports = new SynchronousProgress();

        var result = trainer.Train(reports);

        Assert.Equal(TrainingStopReason.Completed, result.Reason);
        Assert.Equal([0L, 1L, 2L, 3L], reports.Items.Select(i => i.Iteration));
        Assert.Equal([0, 0, 1, 1], reports.Items.Select(i => i.Epoch));
        Assert.All(reports.Items, i => Assert.True(double.IsFinite(i.Loss.Total) && i.IterationTime > TimeSpan.Zero));
    }

    /// <summary>Records reports on the reporting thread (<see cref="Progress{T}"/> would post them to the thread pool).</summary>
    private sealed class SynchronousProgress : IProgress<IterationInfo>
    {
        public List<IterationInfo> Items { get; } = [];

        public void Report(IterationInfo value) => Items.Add(value);
    }
}
