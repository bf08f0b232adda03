namespace YoloX.Training.Engine;

/// <summary>Why a training run ended.</summary>
public enum TrainingStopReason
{
    /// <summary>All epochs ran.</summary>
    Completed,

    /// <summary>Cancelled (Ctrl-C, SIGTERM, a token): a resumable checkpoint was saved first.</summary>
    Cancelled,

    /// <summary>The AP did not improve for the configured patience.</summary>
    EarlyStopped,

    /// <summary>The time budget was used up.</summary>
    TimeBudget,
}
