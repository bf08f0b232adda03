using TorchSharp;
using YoloX.Core.Modules;
using static TorchSharp.torch;

namespace YoloX.Core.Loss;

/// <summary>
/// SimOTA label assignment (YOLOX, official <c>get_assignments</c> + <c>get_geometry_constraint</c> +
/// <c>simota_matching</c>): candidates are the anchors whose cell centre lies within
/// <see cref="SimOTAOptions.CenterRadius"/> strides of a ground-truth centre; each ground truth gets a dynamic k (the
/// integer part of the sum of its best <see cref="SimOTAOptions.CandidateTopK"/> candidate IoUs, at least 1) and takes
/// its k cheapest candidates under cost = class BCE + 3·(−log IoU) + 1e6·(outside its own centre region); an anchor
/// taken by several ground truths goes to the cheapest one.
/// </summary>
/// <remarks>
/// No Torch call here is given a number (TorchSharp 0.107's temporary Scalars can be finalized during the call; see
/// <see cref="CachedScalars"/>); the Scalars have the types the implicit conversions made, so results are unchanged.
/// </remarks>
public sealed class SimOTAAssigner
{
    /// <summary>The floor of the class-cost logs, as BCE clamps its logs.</summary>
    private static readonly Scalar LogFloor = (-100.0).ToScalar();

    /// <summary>The 1e-8 of the IoU cost <c>−log(IoU + 1e-8)</c> (official).</summary>
    private static readonly Scalar IoUCostEpsilon = 1e-8.ToScalar();

    private readonly SimOTAOptions options;

    /// <summary>Creates an assigner for <paramref name="numClasses"/> classes.</summary>
    public SimOTAAssigner(int numClasses, SimOTAOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        NumClasses = numClasses;
        this.options = (options ?? SimOTAOptions.Default).Validate();
    }

    /// <summary>Number of classes.</summary>
    public int NumClasses { get; }

    /// <summary>The assigner's settings.</summary>
    public SimOTAOptions Options => options;

    /// <summary>
    /// Assigns one image's anchors. Runs without gradient. All tensors on one device.
    /// </summary>
    /// <param name="gtBoxes">Valid ground-truth boxes <c>[G, 4]</c> (cx, cy, w, h, input pixels, positive size), G ≥ 1.</param>
    /// <param name="gtClasses">Their classes <c>[G]</c> (int64, 0 ≤ c &lt; C).</param>
    /// <param name="predBoxes">Decoded predicted boxes <c>[N, 4]</c> (cx, cy, w, h).</param>
    /// <param name="clsLogits">Class logits <c>[N, C]</c>.</param>
    /// <param name="objLogits">Objectness logits <c>[N, 1]</c>.</param>
    /// <param name="anchorCentres">Cell centre of each anchor <c>[N, 2]</c> in input pixels, <c>(grid + 0.5)·stride</c>.</param>
    /// <param name="anchorStrides">Stride of each anchor <c>[N]</c>.</param>
    public SimOTAAssignment Assign(Tensor gtBoxes, Tensor gtClasses, Tensor predBoxes, Tensor clsLogits,
        Tensor objLogits, Tensor anchorCentres, Tensor anchorStrides)
    {
        var numGt = gtBoxes.shape[0];
        if (numGt < 1)
        {
            throw new ArgumentException("SimOTA needs at least one ground truth; images without any have no foreground.", nameof(gtBoxes));
        }
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var device = gtBoxes.device;
        var inCentre = CentreRegion(gtBoxes.to(ScalarType.Float32), anchorCentres, anchorStrides); // [G, N]
        var candidates = inCentre.any(dim: 0).nonzero().squeeze(1);
        var candidateCount = candidates.shape[0];
        if (candidateCount == 0)
        {
            // No anchor near any centre (possible only for boxes centred outside the image): nothing to learn.
            // The official code would fail here (top-k of an empty row).
            return Empty(numGt, device).MoveToOuterDisposeScope();
        }
        var geometry = inCentre.index_select(1, candidates);
        var ious = IoULoss.Pairwise(gtBoxes.to(ScalarType.Float32),
            predBoxes.index_select(0, candidates).to(ScalarType.Float32)); // [G, A]
        var cost = Cost(ious, geometry, gtClasses, clsLogits.index_select(0, candidates),
            objLogits.index_select(0, candidates));
        var dynamicK = DynamicK(ious);
        var (matching, claimedTwice) = Match(cost, dynamicK);
        var fgLocal = matching.sum(dim: 0).gt(CachedScalars.Zero).nonzero().squeeze(1);
        var matchedGt = matching.index_select(1, fgLocal).argmax(dim: 0);
        var matchedIoU = (matching * ious).sum(dim: 0).index_select(0, fgLocal);
        var result = new SimOTAAssignment(candidates.index_select(0, fgLocal), matchedGt, matchedIoU, dynamicK,
            candidateCount, claimedTwice);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <c>[G, N]</c>: whether each anchor's cell centre is strictly inside the square of half side
    /// <c>radius·stride</c> around each ground-truth centre (written as the official code does, so boundary cases agree).
    /// </summary>
    private Tensor CentreRegion(Tensor gtBoxes, Tensor anchorCentres, Tensor anchorStrides)
    {
        var xc = anchorCentres[.., 0].unsqueeze(0);
        var yc = anchorCentres[.., 1].unsqueeze(0);
        using var radius = options.CenterRadius.ToScalar();
        var reach = anchorStrides.mul(radius).unsqueeze(0);
        var gx = gtBoxes[.., 0..1];
        var gy = gtBoxes[.., 1..2];
        var left = xc - (gx - reach);
        var right = gx.Plus(reach) - xc;
        var top = yc - (gy - reach);
        var bottom = gy.Plus(reach) - yc;
        return torch.stack([left, top, right, bottom], 2).amin(2).gt(CachedScalars.ZeroReal);
    }

    /// <summary>
    /// Pairwise cost <c>[G, A]</c>. The class term is the official
    /// <c>BCE(sqrt(σ(cls)·σ(obj)), one_hot).sum(-1)</c> in float32, expanded as
    /// <c>Σ_c −log(1−p_c) + log(1−p_y) − log(p_y)</c> so no <c>[G, A, C]</c> tensor is built; logs clamp at −100 like BCE.
    /// </summary>
    private Tensor Cost(Tensor ious, Tensor geometry, Tensor gtClasses, Tensor clsLogits, Tensor objLogits)
    {
        var p = (clsLogits.to(ScalarType.Float32).sigmoid() * objLogits.to(ScalarType.Float32).sigmoid()).sqrt(); // [A, C]
        var logP = p.log().clamp_min(LogFloor);
        var log1mP = p.SubtractedFrom(CachedScalars.One).log().clamp_min(LogFloor); // 1 − p
        var allNegative = log1mP.sum(1).neg().unsqueeze(0); // [1, A]
        var classes = gtClasses.to(ScalarType.Int64);
        var atClass = (log1mP.index_select(1, classes) - logP.index_select(1, classes)).t(); // [G, A]
        var classCost = allNegative.Plus(atClass);
        var iouCost = ious.Plus(IoUCostEpsilon).log().neg();
        var outside = geometry.logical_not().to(ScalarType.Float32);
        using var classWeight = options.ClassCostWeight.ToScalar();
        using var iouWeight = options.IoUCostWeight.ToScalar();
        using var outsidePenalty = options.OutsideCenterPenalty.ToScalar();
        return classCost.mul(classWeight).Plus(iouCost.mul(iouWeight)).Plus(outside.mul(outsidePenalty));
    }

    /// <summary>Dynamic k per ground truth: <c>max(1, ⌊Σ top-k candidate IoUs⌋)</c>.</summary>
    private Tensor DynamicK(Tensor ious)
    {
        var k = (int)Math.Min(options.CandidateTopK, ious.shape[1]);
        var (top, _) = ious.topk(k, dim: 1);
        return top.sum(1).to(ScalarType.Int32).clamp_min(CachedScalars.One).to(ScalarType.Int64);
    }

    /// <summary>
    /// The 0/1 matching matrix <c>[G, A]</c>: each ground truth takes its dynamic-k cheapest candidates (one sorted top-k
    /// for all ground truths, then a rank mask), and an anchor taken more than once keeps only its argmin-cost ground truth.
    /// </summary>
    private static (Tensor Matching, long ClaimedTwice) Match(Tensor cost, Tensor dynamicK)
    {
        var maxK = dynamicK.max().item<long>();
        var (_, cheapest) = cost.topk((int)maxK, dim: 1, largest: false, sorted: true); // [G, maxK]
        using var rankEnd = maxK.ToScalar();
        var rank = torch.arange(CachedScalars.Zero, rankEnd, CachedScalars.One, ScalarType.Int64, cost.device).unsqueeze(0);
        var taken = rank.lt(dynamicK.unsqueeze(1)).to(ScalarType.Float32);
        var matching = torch.zeros_like(cost).scatter_(1, cheapest, taken);
        var takenBy = matching.sum(dim: 0);
        var multiple = takenBy.gt(CachedScalars.One);
        var claimedTwice = multiple.sum().item<long>();
        if (claimedTwice > 0)
        {
            var best = nn.functional.one_hot(cost.argmin(dim: 0), cost.shape[0]).t().to(ScalarType.Float32);
            matching = torch.where(multiple.unsqueeze(0), best, matching);
        }
        return (matching, claimedTwice);
    }

    private static SimOTAAssignment Empty(long numGt, Device device) => new(
        torch.empty(0, ScalarType.Int64, device: device),
        torch.empty(0, ScalarType.Int64, device: device),
        torch.empty(0, ScalarType.Float32, device: device),
        torch.zeros(numGt, ScalarType.Int64, device: device),
        0,
        0);
}
