using TorchSharp;
using YoloX.Core.Loss;
using static TorchSharp.torch;

namespace YoloX.Core.Tests.Loss;

/// <summary>
/// A literal, loop-based transcription of the official get_geometry_constraint + get_assignments + simota_matching
/// (full [G, A, C] BCE, one top-k per ground truth), used to check the vectorised assigner on inputs without a golden.
/// </summary>
internal static class SimOTAReference
{
    public static (long[] FgAnchors, long[] MatchedGt, long[] DynamicK) Assign(
        Tensor gtBoxes, Tensor gtClasses, Tensor predBoxes, Tensor clsLogits, Tensor objLogits,
        Tensor xShifts, Tensor yShifts, Tensor strides, int numClasses, SimOTAOptions? options = null)
    {
        // The official constants unless other settings are asked for (each one must change the assignment as here).
        options ??= SimOTAOptions.Default;
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var numGt = gtBoxes.shape[0];
        var xc = ((xShifts + 0.5) * strides).unsqueeze(0);
        var yc = ((yShifts + 0.5) * strides).unsqueeze(0);
        var dist = strides.unsqueeze(0) * options.CenterRadius;
        var l = gtBoxes[.., 0..1] - dist;
        var r = gtBoxes[.., 0..1] + dist;
        var t = gtBoxes[.., 1..2] - dist;
        var b = gtBoxes[.., 1..2] + dist;
        var deltas = torch.stack([xc - l, yc - t, r - xc, b - yc], 2);
        var inCentres = deltas.min(2).values.gt(0.0);
        var filter = inCentres.sum(dim: 0).gt(0);
        var candidates = filter.nonzero().squeeze(1);
        var geometry = inCentres.index_select(1, candidates);
        var preds = predBoxes.index_select(0, candidates);
        var a = preds.shape[0];
        var ious = PairwiseIoU(gtBoxes, preds);
        var oneHot = nn.functional.one_hot(gtClasses, numClasses).to(ScalarType.Float32);
        var iouLoss = -(ious + 1e-8).log();
        var p = (clsLogits.index_select(0, candidates).sigmoid() * objLogits.index_select(0, candidates).sigmoid()).sqrt();
        var clsLoss = nn.functional.binary_cross_entropy(
            p.unsqueeze(0).repeat(numGt, 1, 1), oneHot.unsqueeze(1).repeat(1, a, 1), reduction: nn.Reduction.None).sum(-1);
        var cost = options.ClassCostWeight * clsLoss + options.IoUCostWeight * iouLoss + options.OutsideCenterPenalty * geometry.logical_not().to(ScalarType.Float32);

        var matching = torch.zeros_like(cost, dtype: ScalarType.Byte);
        var k = (int)Math.Min(options.CandidateTopK, a);
        var dynamicKs = ious.topk(k, dim: 1).values.sum(1).to(ScalarType.Int32).clamp_min(1);
        var ks = dynamicKs.data<int>().ToArray();
        for (var g = 0; g < numGt; g++)
        {
            var pos = cost[g].topk(ks[g], largest: false).indexes;
            matching[g].index_fill_(0, pos, 1);
        }
        var perAnchor = matching.sum(dim: 0, type: ScalarType.Int64);
        if (perAnchor.max().item<long>() > 1)
        {
            var multiple = perAnchor.gt(1).nonzero().squeeze(1);
            var argmin = cost.index_select(1, multiple).argmin(dim: 0);
            var cols = multiple.data<long>().ToArray();
            var rows = argmin.data<long>().ToArray();
            for (var i = 0; i < cols.Length; i++)
            {
                matching[.., cols[i]].zero_();
                matching[rows[i], cols[i]] = torch.tensor((byte)1);
            }
        }
        var fgInBoxes = perAnchor.gt(0);
        var fgLocal = fgInBoxes.nonzero().squeeze(1);
        var matched = matching.index_select(1, fgLocal).to(ScalarType.Int64).argmax(dim: 0);
        return (candidates.index_select(0, fgLocal).data<long>().ToArray(), matched.data<long>().ToArray(),
            dynamicKs.to(ScalarType.Int64).data<long>().ToArray());
    }

    private static Tensor PairwiseIoU(Tensor a, Tensor b)
    {
        var tl = torch.maximum(a[.., TensorIndex.None, ..2] - a[.., TensorIndex.None, 2..] / 2, b[.., ..2] - b[.., 2..] / 2);
        var br = torch.minimum(a[.., TensorIndex.None, ..2] + a[.., TensorIndex.None, 2..] / 2, b[.., ..2] + b[.., 2..] / 2);
        var areaA = a[.., 2..].prod(1);
        var areaB = b[.., 2..].prod(1);
        var en = (tl < br).to(ScalarType.Float32).prod(2);
        var areaI = (br - tl).prod(2) * en;
        return areaI / (areaA[.., TensorIndex.None] + areaB - areaI);
    }
}
