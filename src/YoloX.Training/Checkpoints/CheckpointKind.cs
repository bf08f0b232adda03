namespace YoloX.Training.Checkpoints;

/// <summary>Why a checkpoint was written (decides its file name, as the official trainer's <c>save_ckpt</c> names).</summary>
public enum CheckpointKind
{
    /// <summary><c>latest_ckpt</c>: after every epoch, and on Ctrl-C/SIGTERM mid-epoch; what <c>Resume</c> reads.</summary>
    Latest,

    /// <summary><c>best_ckpt</c>: whenever the evaluated AP50:95 improves on every earlier evaluation.</summary>
    Best,

    /// <summary><c>last_mosaic_epoch_ckpt</c>: the state when Mosaic is switched off for the no-aug epochs.</summary>
    LastMosaicEpoch,

    /// <summary><c>epoch_N_ckpt</c>: every N epochs when asked for.</summary>
    Epoch,
}
