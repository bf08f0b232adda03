using Xunit;
using YoloX.Training.Data;
using YoloX.Training.Engine;

namespace YoloX.Training.Tests.Engine;

public class BadInputTests
{
    /// <summary>Real batches whose pixels are NaN: the real forward pass gives a NaN loss.</summary>
    private sealed class NanSource(int batches) : ITrainDataSource
    {
        public int BatchesPerEpoch => batches;

        public int BatchSize => 1;

        public (int Height, int Width) InputSize => (64, 64);

        public bool MosaicEnabled { get; private set; } = true;

        public void CloseMosaic() => MosaicEnabled = false;

        public IEnumerable<TrainBatch> ReadEpoch(int epoch, int startBatch = 0, CancellationToken cancellationToken = default)
        {
            for (var b = startBatch; b < batches; b++)
            {
                var targets = new float[50 * 5];
                targets.AsSpan(0, 5).CopyTo(targets);
                new float[] { 0, 32, 32, 16, 16 }.CopyTo(targets, 0);
                yield return new TrainBatch(Enumerable.Repeat(float.NaN, 3 * 64 * 64).ToArray(), targets, 1, 64, 64, 50, [b]);
            }
        }

        public void Dispose() { }
    }

    [Fact]
    public void Non_finite_losses_are_skipped_logged_and_stop_training_after_the_limit_in_a_row()
    {
        using var dir = new TempDir();
        using var model = TrainingFixtures.Nano(3);
        using var source = new NanSource(5);
        var recipe = TrainingFixtures.TinyRecipe with { MaxNonFiniteSteps = 3, RandomSize = null, MultiscaleRange = 0, InputSize = (64, 64) };
        var recorder = new Recorder();
        using var trainer = new YoloXTrainer(model, source, ["Platelets", "RBC", "WBC"], recipe, TrainingFixtures.Options(dir.Path), callbacks: [recorder]);
        var before = model.parameters().First().clone();

        var e = Assert.Throws<TrainingDivergedException>(() => trainer.Train());

        Assert.Contains("3 iterations in a row", e.Message);
        Assert.Equal(3, recorder.Iterations.Count);
        Assert.All(recorder.Iterations, i => Assert.True(i.Skipped));
        Assert.Equal(3, recorder.Messages.Count(m => m.StartsWith("non-finite loss", StringComparison.Ordinal)));
        Assert.True(before.allclose(model.parameters().First(), 0, 0), "a skipped step must not change the weights");
    }

    [Fact]
    public void A_model_with_another_class_count_than_the_names_is_refused()
    {
        using var model = TrainingFixtures.Nano(3);
        using var source = new NanSource(1);
        Assert.Throws<ArgumentException>(() => new YoloXTrainer(model, source, ["a", "b"], TrainingFixtures.TinyRecipe));
    }
}
