namespace YoloX.Training.Engine;

/// <summary>
/// Draws the training curves as PNG files after every epoch (ScottPlot): <c>loss_curves.png</c> (every loss term per
/// epoch), <c>lr_curve.png</c> (lr per iteration) and, once evaluations ran, <c>ap_curves.png</c> (COCO AP, AP50 and
/// VOC mAP50 per evaluated epoch).
/// </summary>
public sealed class CurvePlotter : ITrainingCallback
{
    private readonly string directory;
    private readonly List<EpochSummary> epochs = [];
    private readonly List<(double Iteration, double Lr)> lrs = [];

    /// <summary>Writes the PNG files into <paramref name="directory"/>.</summary>
    public CurvePlotter(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory.CreateDirectory(directory);
        this.directory = directory;
    }

    /// <inheritdoc />
    public void OnIterationEnd(IterationInfo info) => lrs.Add((info.Iteration, info.LearningRate));

    /// <inheritdoc />
    public void OnEpochEnd(EpochSummary summary)
    {
        epochs.Add(summary);
        DrawLosses();
        DrawLearningRate();
        DrawAp();
    }

    private void DrawLosses()
    {
        var plot = new ScottPlot.Plot();
        double[] x = [.. epochs.Select(e => e.Epoch + 1.0)];
        foreach (var (name, values) in new (string, Func<EpochSummary, double>)[]
        {
            ("total", e => e.TotalLoss), ("iou", e => e.IoULoss), ("l1", e => e.L1Loss), ("conf", e => e.ConfLoss), ("cls", e => e.ClsLoss),
        })
        {
            var line = plot.Add.Scatter(x, epochs.Select(values).ToArray());
            line.LegendText = name;
        }
        Save(plot, "loss_curves.png", "Training losses (epoch means)", "epoch", "loss");
    }

    private void DrawLearningRate()
    {
        var plot = new ScottPlot.Plot();
        var line = plot.Add.Scatter(lrs.Select(p => p.Iteration).ToArray(), lrs.Select(p => p.Lr).ToArray());
        line.MarkerSize = 0;
        line.LegendText = "lr";
        Save(plot, "lr_curve.png", "Learning rate", "iteration", "lr");
    }

    private void DrawAp()
    {
        var evaluated = epochs.Where(e => e.Evaluation is not null).ToList();
        if (evaluated.Count == 0)
        {
            return;
        }
        var plot = new ScottPlot.Plot();
        double[] x = [.. evaluated.Select(e => e.Epoch + 1.0)];
        plot.Add.Scatter(x, evaluated.Select(e => e.Evaluation!.Ap50To95).ToArray()).LegendText = "COCO AP50:95";
        plot.Add.Scatter(x, evaluated.Select(e => e.Evaluation!.Ap50).ToArray()).LegendText = "COCO AP50";
        if (evaluated.All(e => e.Evaluation!.VocMap50 is not null))
        {
            plot.Add.Scatter(x, evaluated.Select(e => e.Evaluation!.VocMap50!.Value).ToArray()).LegendText = "VOC mAP50";
        }
        Save(plot, "ap_curves.png", "Evaluation of the EMA model", "epoch", "AP");
    }

    private void Save(ScottPlot.Plot plot, string file, string title, string xLabel, string yLabel)
    {
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.ShowLegend();
        // Written beside, then renamed: a reader never sees a half-written PNG.
        var path = Path.Combine(directory, file);
        var temp = path + ".tmp.png";
        plot.SavePng(temp, 800, 500);
        File.Move(temp, path, overwrite: true);
    }
}
