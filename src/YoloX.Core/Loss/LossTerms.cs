using TorchSharp;
using static TorchSharp.torch;

namespace YoloX.Core.Loss;

/// <summary>
/// The loss of one training step, as the official <c>YOLOXHead.get_losses</c> returns it. The scalar tensors carry the
/// autograd graph (call <c>Total.backward()</c>); dispose the terms after the step.
/// </summary>
/// <param name="Total"><c>RegWeight·IoU + Objectness + Classification + L1</c>.</param>
/// <param name="IoU">The IoU loss already multiplied by the reg weight (as the official code returns it).</param>
/// <param name="Objectness">Objectness BCE over all anchors, divided by the foreground count.</param>
/// <param name="Classification">Class BCE over foreground anchors (targets one-hot × IoU), divided by the foreground count.</param>
/// <param name="L1">L1 loss of the raw box regressions (zero when L1 is off).</param>
/// <param name="NumFgAnchors">Foreground anchors over the batch.</param>
/// <param name="NumGts">Ground truths that took part over the batch.</param>
/// <param name="Assignments">Per-image assignments when <see cref="YoloXLossOptions.CollectAssignments"/> is on, else <c>null</c>.</param>
public sealed record LossTerms(
    Tensor Total, Tensor IoU, Tensor Objectness, Tensor Classification, Tensor L1, long NumFgAnchors, long NumGts,
    IReadOnlyList<AssignmentInfo>? Assignments) : IDisposable
{
    /// <summary>The official <c>num_fg</c> output: <c>max(foreground anchors, 1) / max(ground truths, 1)</c>.</summary>
    public double NumFg => Math.Max(NumFgAnchors, 1) / (double)Math.Max(NumGts, 1);

    /// <summary>Reads every term to the host.</summary>
    public LossValues ToValues() => new(
        Read(Total), Read(IoU), Read(Objectness), Read(Classification), Read(L1), NumFg, NumFgAnchors, NumGts);

    /// <summary>Throws <see cref="NonFiniteLossException"/> when any term is NaN or infinite.</summary>
    public LossTerms EnsureFinite()
    {
        var values = ToValues();
        if (!values.IsFinite)
        {
            throw new NonFiniteLossException($"The training loss is not finite: {values}.", values);
        }
        return this;
    }

    /// <summary>Moves the tensors to the enclosing dispose scope.</summary>
    public LossTerms MoveToOuterDisposeScope()
    {
        foreach (var t in Tensors())
        {
            t.MoveToOuterDisposeScope();
        }
        return this;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in Tensors())
        {
            t.Dispose();
        }
    }

    private Tensor[] Tensors() => [Total, IoU, Objectness, Classification, L1];

    private static double Read(Tensor t) => t.detach().to(ScalarType.Float64).cpu().item<double>();
}

/// <summary>The loss terms of a step as numbers (for logging).</summary>
/// <param name="Total">Total loss.</param>
/// <param name="IoU">IoU loss × reg weight.</param>
/// <param name="Objectness">Objectness loss.</param>
/// <param name="Classification">Classification loss.</param>
/// <param name="L1">L1 loss (0 when off).</param>
/// <param name="NumFg">Official <c>num_fg</c>: foreground anchors per ground truth.</param>
/// <param name="NumFgAnchors">Foreground anchors over the batch.</param>
/// <param name="NumGts">Ground truths over the batch.</param>
public sealed record LossValues(
    double Total, double IoU, double Objectness, double Classification, double L1, double NumFg, long NumFgAnchors,
    long NumGts)
{
    /// <summary>True when no term is NaN or infinite.</summary>
    public bool IsFinite =>
        double.IsFinite(Total) && double.IsFinite(IoU) && double.IsFinite(Objectness) &&
        double.IsFinite(Classification) && double.IsFinite(L1);
}
