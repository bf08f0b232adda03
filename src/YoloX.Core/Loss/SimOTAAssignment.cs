using TorchSharp;
using static TorchSharp.torch;

namespace YoloX.Core.Loss;

/// <summary>
/// SimOTA's result for one image, as tensors on the model's device. Foreground anchors are listed in ascending anchor
/// order; the other tensors are aligned with them.
/// </summary>
/// <param name="FgAnchorIndices">Indices (into the image's N anchors) of the foreground anchors, <c>[F]</c> int64.</param>
/// <param name="MatchedGtIndices">Ground truth (row of the image's valid boxes) each foreground anchor learns, <c>[F]</c> int64.</param>
/// <param name="MatchedIoUs">IoU of each foreground anchor's predicted box with its ground truth, <c>[F]</c>.</param>
/// <param name="DynamicK">Dynamic k of each ground truth, <c>[G]</c> int64 (0 when the image had no candidate anchor).</param>
/// <param name="CandidateCount">Anchors inside the centre region of at least one ground truth.</param>
/// <param name="AnchorsClaimedTwice">Anchors first selected by several ground truths (then kept by the cheapest one).</param>
public sealed record SimOTAAssignment(
    Tensor FgAnchorIndices, Tensor MatchedGtIndices, Tensor MatchedIoUs, Tensor DynamicK, long CandidateCount,
    long AnchorsClaimedTwice) : IDisposable
{
    /// <summary>Number of foreground anchors.</summary>
    public long FgCount => FgAnchorIndices.shape[0];

    /// <summary>Moves every tensor to the enclosing dispose scope.</summary>
    public SimOTAAssignment MoveToOuterDisposeScope()
    {
        FgAnchorIndices.MoveToOuterDisposeScope();
        MatchedGtIndices.MoveToOuterDisposeScope();
        MatchedIoUs.MoveToOuterDisposeScope();
        DynamicK.MoveToOuterDisposeScope();
        return this;
    }

    /// <summary>Copies the assignment to the host.</summary>
    /// <param name="gtRows">Row of the padded target tensor of each valid ground truth (see <see cref="AssignmentInfo.GtRows"/>).</param>
    /// <param name="gtClasses">Class of each foreground anchor's ground truth.</param>
    public AssignmentInfo ToInfo(long[] gtRows, long[] gtClasses) => new(
        gtRows,
        CandidateCount,
        DynamicK.cpu().data<long>().ToArray(),
        FgAnchorIndices.cpu().data<long>().ToArray(),
        MatchedGtIndices.cpu().data<long>().ToArray(),
        gtClasses,
        MatchedIoUs.to(ScalarType.Float32).cpu().data<float>().ToArray(),
        AnchorsClaimedTwice);

    /// <inheritdoc />
    public void Dispose()
    {
        FgAnchorIndices.Dispose();
        MatchedGtIndices.Dispose();
        MatchedIoUs.Dispose();
        DynamicK.Dispose();
    }
}

/// <summary>One image's assignment copied to the host (diagnostics and tests).</summary>
/// <param name="GtRows">Row in the padded targets of each ground truth that took part (invalid boxes are left out); ground truth <c>g</c> below is <c>GtRows[g]</c>.</param>
/// <param name="CandidateCount">Anchors inside the centre region of at least one ground truth.</param>
/// <param name="DynamicK">Dynamic k of each ground truth.</param>
/// <param name="FgAnchorIndices">Foreground anchors (into the image's anchors, level-major then y then x), ascending.</param>
/// <param name="MatchedGt">Ground truth of each foreground anchor.</param>
/// <param name="MatchedClasses">Class of each foreground anchor's ground truth.</param>
/// <param name="MatchedIoUs">IoU of each foreground anchor's predicted box with its ground truth.</param>
/// <param name="AnchorsClaimedTwice">Anchors first selected by several ground truths.</param>
public sealed record AssignmentInfo(
    long[] GtRows, long CandidateCount, long[] DynamicK, long[] FgAnchorIndices, long[] MatchedGt,
    long[] MatchedClasses, float[] MatchedIoUs, long AnchorsClaimedTwice);
