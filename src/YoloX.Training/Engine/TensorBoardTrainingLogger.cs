using TorchSharp.Modules;
using static TorchSharp.torch.utils.tensorboard;

namespace YoloX.Training.Engine;

/// <summary>
/// Writes TensorBoard event files (TorchSharp's <c>SummaryWriter</c>): every loss term, the lr and the input size per
/// iteration, the evaluation statistics per epoch. Each event is written to the file as it is added.
/// </summary>
public sealed class TensorBoardTrainingLogger : ITrainingCallback
{
    private readonly SummaryWriter writer;

    /// <summary>Logs into <paramref name="directory"/> (an events file per run).</summary>
    public TensorBoardTrainingLogger(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory.CreateDirectory(directory);
        writer = SummaryWriter(directory, createRunName: false);
    }

    /// <inheritdoc />
    public void OnIterationEnd(IterationInfo i)
    {
        if (i.Skipped)
        {
            return;
        }
        var step = (int)i.Iteration;
        writer.add_scalar("train/total_loss", (float)i.Loss.Total, step);
        writer.add_scalar("train/iou_loss", (float)i.Loss.IoU, step);
        writer.add_scalar("train/l1_loss", (float)i.Loss.L1, step);
        writer.add_scalar("train/conf_loss", (float)i.Loss.Objectness, step);
        writer.add_scalar("train/cls_loss", (float)i.Loss.Classification, step);
        writer.add_scalar("train/lr", (float)i.LearningRate, step);
        writer.add_scalar("train/input_size", i.InputHeight, step);
    }

    /// <inheritdoc />
    public void OnEvaluationEnd(TrainingEvaluation evaluation)
    {
        writer.add_scalar("val/COCOAP50_95", (float)evaluation.Ap50To95, evaluation.Epoch + 1);
        writer.add_scalar("val/COCOAP50", (float)evaluation.Ap50, evaluation.Epoch + 1);
        if (evaluation.VocMap50 is { } voc)
        {
            writer.add_scalar("val/VOCmAP50", (float)voc, evaluation.Epoch + 1);
        }
    }
}
