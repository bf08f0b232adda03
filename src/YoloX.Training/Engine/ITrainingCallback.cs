namespace YoloX.Training.Engine;

/// <summary>
/// Hooks into the training loop; every method has an empty default, so a callback implements only what it needs.
/// Loggers are callbacks too. Called on every rank (check the context's <c>IsMain</c> to write once); exceptions
/// propagate and stop training.
/// </summary>
public interface ITrainingCallback
{
    /// <summary>Before the first iteration.</summary>
    void OnTrainStart(TrainingStartInfo info) { }

    /// <summary>Before the first batch of an epoch.</summary>
    void OnEpochStart(int epoch) { }

    /// <summary>After every iteration.</summary>
    void OnIterationEnd(IterationInfo info) { }

    /// <summary>After an evaluation of the (EMA) model.</summary>
    void OnEvaluationEnd(TrainingEvaluation evaluation) { }

    /// <summary>After an epoch, its evaluation and its checkpoints.</summary>
    void OnEpochEnd(EpochSummary summary) { }

    /// <summary>After a checkpoint was written or failed to be written.</summary>
    void OnCheckpointSaved(CheckpointSavedInfo info) { }

    /// <summary>A notice for the log: the no-aug switch, a skipped step, a failed save.</summary>
    void OnMessage(string message) { }

    /// <summary>When training ends (also after cancellation).</summary>
    void OnTrainEnd(TrainingResult result) { }
}
