using YoloX.Core;
using YoloX.Training.Data;

namespace YoloX.Training.Engine;

/// <summary>What <see cref="YoloXTrainerBuilder.BuildTrainer"/> makes: the model, its loader and the trainer, owned together.</summary>
public sealed class YoloXTrainingRun : IDisposable
{
    internal YoloXTrainingRun(YoloXModel model, ITrainDataSource data, YoloXTrainer trainer)
    {
        Model = model;
        Data = data;
        Trainer = trainer;
    }

    /// <summary>The trained model.</summary>
    public YoloXModel Model { get; }

    /// <summary>The training data source.</summary>
    public ITrainDataSource Data { get; }

    /// <summary>The trainer.</summary>
    public YoloXTrainer Trainer { get; }

    /// <summary>Continues from a checkpoint or output folder (see <see cref="YoloXTrainer.Resume"/>).</summary>
    public YoloXTrainingRun Resume(string checkpointOrDirectory)
    {
        Trainer.Resume(checkpointOrDirectory);
        return this;
    }

    /// <summary>Trains (see <see cref="YoloXTrainer.Train(CancellationToken)"/>).</summary>
    public TrainingResult Train(CancellationToken cancellationToken = default) => Trainer.Train(cancellationToken);

    /// <summary>Trains and reports every iteration (see <see cref="YoloXTrainer.Train(IProgress{IterationInfo}, CancellationToken)"/>).</summary>
    public TrainingResult Train(IProgress<IterationInfo> progress, CancellationToken cancellationToken = default) =>
        Trainer.Train(progress, cancellationToken);

    /// <inheritdoc />
    public void Dispose()
    {
        Trainer.Dispose();
        Data.Dispose();
        Model.Dispose();
    }
}
