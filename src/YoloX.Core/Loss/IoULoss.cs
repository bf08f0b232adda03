using TorchSharp;
using YoloX.Core.Modules;
using static TorchSharp.torch;

namespace YoloX.Core.Loss;

/// <summary>
/// IoU of boxes given as (cx, cy, w, h): the element-wise box loss of the official <c>IOUloss</c> and the pairwise IoU
/// matrix of the official <c>bboxes_iou(..., xyxy=False)</c>.
/// </summary>
/// <remarks>
/// No Torch call here is given a number (TorchSharp 0.107's temporary Scalars can be finalized during the call; see
/// <see cref="CachedScalars"/>); the Scalars have the types the implicit conversions made, so results are unchanged.
/// </remarks>
public static class IoULoss
{
    /// <summary>The 1e-16 guarding the IoU's and GIoU's divisions (official).</summary>
    private static readonly Scalar Epsilon = 1e-16.ToScalar();

    /// <summary>
    /// Per-box loss between matched predictions and targets, both <c>[K, 4]</c> (cx, cy, w, h); returns <c>[K]</c>
    /// (no reduction). IoU: <c>1 − IoU²</c>; GIoU: <c>1 − clamp(GIoU, −1, 1)</c>. Differentiable in <paramref name="pred"/>.
    /// </summary>
    public static Tensor Compute(Tensor pred, Tensor target, IoULossType type = IoULossType.IoU)
    {
        if (pred.shape[0] != target.shape[0])
        {
            throw new ArgumentException($"{pred.shape[0]} predicted boxes but {target.shape[0]} target boxes.", nameof(target));
        }
        using var scope = torch.NewDisposeScope();
        var p = pred.view(-1, 4);
        var t = target.view(-1, 4);
        var (pMin, pMax) = Corners(p);
        var (tMin, tMax) = Corners(t);
        var tl = torch.maximum(pMin, tMin);
        var br = torch.minimum(pMax, tMax);
        var areaP = p[.., 2..].prod(1);
        var areaT = t[.., 2..].prod(1);
        // Like the official code: the intersection counts only when it is non-empty on both axes.
        var nonEmpty = (tl < br).to(tl.dtype).prod(1);
        var areaI = (br - tl).prod(1) * nonEmpty;
        var areaU = areaP.Plus(areaT) - areaI;
        var iou = areaI / areaU.Plus(Epsilon);
        Tensor loss;
        if (type == IoULossType.IoU)
        {
            loss = iou.pow(CachedScalars.Two).SubtractedFrom(CachedScalars.One); // 1 − IoU² (square() is pow(2))
        }
        else
        {
            var enclosing = (torch.maximum(pMax, tMax) - torch.minimum(pMin, tMin)).prod(1);
            var giou = iou - (enclosing - areaU) / enclosing.clamp_min(Epsilon);
            loss = giou.clamp(CachedScalars.MinusOneReal, CachedScalars.OneReal).SubtractedFrom(CachedScalars.One); // 1 − clamp(GIoU, −1, 1)
        }
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// IoU of every box of <paramref name="a"/> <c>[G, 4]</c> with every box of <paramref name="b"/> <c>[A, 4]</c>,
    /// both (cx, cy, w, h): <c>[G, A]</c>. Boxes must have positive area (no epsilon, like the official code).
    /// </summary>
    public static Tensor Pairwise(Tensor a, Tensor b)
    {
        using var scope = torch.NewDisposeScope();
        var (aMin, aMax) = Corners(a);
        var (bMin, bMax) = Corners(b);
        var tl = torch.maximum(aMin.unsqueeze(1), bMin);
        var br = torch.minimum(aMax.unsqueeze(1), bMax);
        var areaA = a[.., 2..].prod(1);
        var areaB = b[.., 2..].prod(1);
        var nonEmpty = (tl < br).to(tl.dtype).prod(2);
        var areaI = (br - tl).prod(2) * nonEmpty;
        return (areaI / (areaA.unsqueeze(1).Plus(areaB) - areaI)).MoveToOuterDisposeScope();
    }

    private static (Tensor Min, Tensor Max) Corners(Tensor cxcywh)
    {
        var centre = cxcywh[.., ..2];
        var half = cxcywh[.., 2..].div(CachedScalars.Two);
        return (centre - half, centre.Plus(half));
    }
}
