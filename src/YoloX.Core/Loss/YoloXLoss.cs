using TorchSharp;
using YoloX.Core.Heads;
using YoloX.Core.Modules;
using static TorchSharp.torch;

namespace YoloX.Core.Loss;

/// <summary>
/// The YOLOX training loss (official <c>YOLOXHead.get_losses</c>): SimOTA assigns anchors per image, then
/// IoU loss on foreground boxes, objectness BCE on all anchors, class BCE (targets one-hot × IoU) on foreground anchors
/// and optionally L1 on the raw regressions, each summed and divided by the foreground count of the batch.
/// </summary>
/// <remarks>
/// Ground truths are the rows of the padded targets that the official code counts (row sum &gt; 0), minus rows it would
/// mishandle: non-finite values, zero or negative width/height, or a box entirely outside the image. Such rows are
/// ignored (they neither count as ground truths nor produce NaN). Unlike the official code, valid rows are taken
/// wherever they are, not only from the front of the padded tensor.
/// <para>
/// No Torch call here is given a number: constants are <see cref="CachedScalars"/> or static fields and per-call values
/// are <c>using</c> Scalars, because TorchSharp 0.107's implicit temporary Scalars can be finalized during the native
/// call (see <see cref="CachedScalars"/>). The values are those of the implicit spelling, bit for bit.
/// </para>
/// </remarks>
public sealed class YoloXLoss
{
    /// <summary>The 1e-8 inside the L1 target's <c>log(wh / stride + 1e-8)</c> (official).</summary>
    private static readonly Scalar L1LogEpsilon = 1e-8.ToScalar();

    private readonly int[] strides;
    private readonly SimOTAAssigner assigner;

    /// <summary>Creates the loss for a head with <paramref name="numClasses"/> classes and the given level strides.</summary>
    public YoloXLoss(int numClasses, IReadOnlyList<int> strides, YoloXLossOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        ArgumentNullException.ThrowIfNull(strides);
        if (strides.Count == 0 || strides.Any(s => s <= 0))
        {
            throw new ArgumentException("Strides must be a non-empty list of positive numbers.", nameof(strides));
        }
        NumClasses = numClasses;
        this.strides = [.. strides];
        Options = (options ?? YoloXLossOptions.Default).Validate();
        assigner = new SimOTAAssigner(numClasses, Options.Assignment);
    }

    /// <summary>Number of classes.</summary>
    public int NumClasses { get; }

    /// <summary>The loss settings.</summary>
    public YoloXLossOptions Options { get; }

    /// <summary>
    /// Computes the loss of a batch.
    /// </summary>
    /// <param name="levelOutputs">Raw head outputs per level, <c>[B, 5 + C, H_k, W_k]</c> (reg, obj logit, class logits), as
    /// <see cref="YoloXModel.ForwardLevels"/> returns them in train mode.</param>
    /// <param name="targets">Padded targets <c>[B, M, 5]</c>: rows (class, cx, cy, w, h) in input pixels, all-zero rows are padding.</param>
    /// <returns>The loss terms; the caller disposes them.</returns>
    /// <exception cref="ArgumentException">Shapes do not fit, or a valid box has a class outside 0..C−1.</exception>
    /// <exception cref="NonFiniteLossException">A term is NaN or infinite and <see cref="YoloXLossOptions.ThrowOnNonFinite"/> is on.</exception>
    public LossTerms Compute(IReadOnlyList<Tensor> levelOutputs, Tensor targets)
    {
        var (_, imageHeight, imageWidth) = CheckShapes(levelOutputs, targets);
        using var scope = torch.NewDisposeScope();
        var sizes = levelOutputs.Select(l => (l.shape[2], l.shape[3])).ToArray();
        var outputs = torch.cat(levelOutputs.Select(l => l.flatten(2)).ToArray(), 2).permute(0, 2, 1); // [B, N, 5 + C]
        var (grid, stride) = AnchorPoints.Build(sizes, strides, outputs.dtype, outputs.device);
        var raw = outputs[.., .., ..4];
        var boxes = torch.cat([raw[.., .., ..2].Plus(grid) * stride, raw[.., .., 2..4].exp() * stride], 2);
        var obj = outputs[.., .., 4..5];
        var cls = outputs[.., .., 5..];

        var gt = targets.to(ScalarType.Float32).to(outputs.device);
        var valid = ValidRows(gt, imageHeight, imageWidth);
        var gtCounts = valid.sum(1).cpu().data<long>().ToArray();

        var (targetsPerImage, infos) = AssignBatch(gt, valid, gtCounts, boxes, obj, cls, grid[0], stride[0]);
        var terms = Losses(targetsPerImage, boxes, obj, cls, raw, gtCounts.Sum(), infos);
        if (Options.ThrowOnNonFinite)
        {
            terms.EnsureFinite();
        }
        return terms.MoveToOuterDisposeScope();
    }

    /// <summary>Runs SimOTA on each image (per-image loop; everything inside is vectorised) and gathers the targets.</summary>
    private (ImageTargets Targets, List<AssignmentInfo>? Infos) AssignBatch(Tensor gt, Tensor valid, long[] gtCounts,
        Tensor boxes, Tensor obj, Tensor cls, Tensor grid, Tensor stride)
    {
        var anchorCount = boxes.shape[1];
        var centres = (grid.Plus(CachedScalars.HalfReal) * stride).to(ScalarType.Float32);
        var anchorStrides = stride[.., 0].to(ScalarType.Float32);
        var targetsPerImage = new ImageTargets(NumClasses, Options.UseL1);
        var infos = Options.CollectAssignments ? new List<AssignmentInfo>(gtCounts.Length) : null;
        for (var b = 0; b < gtCounts.Length; b++)
        {
            if (gtCounts[b] == 0)
            {
                infos?.Add(new AssignmentInfo([], 0, [], [], [], [], [], 0));
                continue;
            }
            var rows = valid[b].nonzero().squeeze(1);
            var imageGt = gt[b].index_select(0, rows);
            var gtBoxes = imageGt[.., 1..5];
            var gtClasses = imageGt[.., 0].to(ScalarType.Int64);
            var assignment = assigner.Assign(gtBoxes, gtClasses, boxes[b].detach(), cls[b].detach(), obj[b].detach(),
                centres, anchorStrides);
            targetsPerImage.Add(b * anchorCount, assignment, gtBoxes, gtClasses, grid, stride);
            infos?.Add(assignment.ToInfo(rows.cpu().data<long>().ToArray(),
                gtClasses.index_select(0, assignment.MatchedGtIndices).cpu().data<long>().ToArray()));
        }
        return (targetsPerImage, infos);
    }

    private LossTerms Losses(ImageTargets t, Tensor boxes, Tensor obj, Tensor cls, Tensor raw, long numGts,
        List<AssignmentInfo>? infos)
    {
        var device = boxes.device;
        var fg = t.Concat(t.FgIndices, () => torch.empty(0, ScalarType.Int64, device: device));
        var fgCount = fg.shape[0];
        using var divisor = ((double)Math.Max(fgCount, 1)).ToScalar();
        using var regWeight = Options.RegWeight.ToScalar();

        var fgBoxes = boxes.reshape(-1, 4).index_select(0, fg);
        var regTargets = t.Concat(t.RegTargets, () => torch.empty(0, 4, device: device));
        var iou = IoULoss.Compute(fgBoxes, regTargets, Options.BoxLoss).sum().div(divisor);

        var objFlat = obj.reshape(-1, 1);
        var objTargets = torch.zeros_like(objFlat).index_fill_(0, fg, CachedScalars.OneReal);
        var objLoss = nn.functional.binary_cross_entropy_with_logits(objFlat, objTargets, reduction: nn.Reduction.None)
            .sum().div(divisor);

        var fgCls = cls.reshape(-1, NumClasses).index_select(0, fg);
        var clsTargets = t.Concat(t.ClsTargets, () => torch.empty(0, NumClasses, device: device)).to(fgCls.dtype);
        var clsLoss = nn.functional.binary_cross_entropy_with_logits(fgCls, clsTargets, reduction: nn.Reduction.None)
            .sum().div(divisor);

        Tensor l1;
        if (Options.UseL1)
        {
            var fgRaw = raw.reshape(-1, 4).index_select(0, fg);
            var l1Targets = t.Concat(t.L1Targets, () => torch.empty(0, 4, device: device)).to(fgRaw.dtype);
            l1 = (fgRaw - l1Targets).abs().sum().div(divisor);
        }
        else
        {
            l1 = torch.zeros([], boxes.dtype, device);
        }
        var weightedIoU = iou.mul(regWeight);
        var total = weightedIoU.Plus(objLoss).Plus(clsLoss);
        if (Options.UseL1)
        {
            total = total.Plus(l1);
        }
        return new LossTerms(total, weightedIoU, objLoss, clsLoss, l1, fgCount, numGts, infos);
    }

    /// <summary>
    /// <c>[B, M]</c> mask of the rows used as ground truths: counted by the official code (row sum &gt; 0), finite,
    /// positive size, overlapping the image. Throws when such a row's class is not an integer in 0..C−1.
    /// </summary>
    private Tensor ValidRows(Tensor gt, long imageHeight, long imageWidth)
    {
        var cx = gt[.., .., 1];
        var cy = gt[.., .., 2];
        var w = gt[.., .., 3];
        var h = gt[.., .., 4];
        using var width = imageWidth.ToScalar();
        using var height = imageHeight.ToScalar();
        using var numClasses = NumClasses.ToScalar();
        var zero = CachedScalars.Zero;
        var halfW = w.div(CachedScalars.Two);
        var halfH = h.div(CachedScalars.Two);
        var valid = gt.sum(2).gt(zero)
            .logical_and(gt.isfinite().all(2))
            .logical_and(w.gt(zero)).logical_and(h.gt(zero))
            .logical_and(cx.Plus(halfW).gt(zero)).logical_and((cx - halfW).lt(width))
            .logical_and(cy.Plus(halfH).gt(zero)).logical_and((cy - halfH).lt(height));
        var cls = gt[.., .., 0];
        var badClass = valid.logical_and(cls.lt(zero).logical_or(cls.ge(numClasses)).logical_or(cls.ne(cls.floor())));
        if (badClass.any().item<bool>())
        {
            var first = badClass.nonzero()[0].cpu().data<long>().ToArray();
            var value = cls[first[0], first[1]].item<float>();
            throw new ArgumentException(
                $"targets[{first[0]}, {first[1]}] has class {value}; classes must be integers in 0..{NumClasses - 1}.",
                "targets");
        }
        return valid;
    }

    private (int Batch, long Height, long Width) CheckShapes(IReadOnlyList<Tensor> levels, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(levels);
        ArgumentNullException.ThrowIfNull(targets);
        if (levels.Count != strides.Length)
        {
            throw new ArgumentException($"Expected {strides.Length} output levels, got {levels.Count}.", "levelOutputs");
        }
        var batch = levels[0].shape[0];
        var height = levels[0].shape[2] * strides[0];
        var width = levels[0].shape[3] * strides[0];
        for (var k = 0; k < levels.Count; k++)
        {
            var l = levels[k];
            if (l.dim() != 4 || l.shape[0] != batch || l.shape[1] != 5 + NumClasses)
            {
                throw new ArgumentException(
                    $"Level {k} output has shape [{string.Join(", ", l.shape)}]; expected [{batch}, {5 + NumClasses}, H, W].",
                    "levelOutputs");
            }
            if (l.shape[2] * strides[k] != height || l.shape[3] * strides[k] != width)
            {
                throw new ArgumentException(
                    $"Level {k} is {l.shape[2]}×{l.shape[3]}, which with stride {strides[k]} does not cover the {height}×{width} input of level 0.",
                    "levelOutputs");
            }
        }
        if (targets.dim() != 3 || targets.shape[0] != batch || targets.shape[2] != 5)
        {
            throw new ArgumentException(
                $"Targets have shape [{string.Join(", ", targets.shape)}]; expected [{batch}, M, 5] rows (class, cx, cy, w, h).",
                nameof(targets));
        }
        return ((int)batch, height, width);
    }

    /// <summary>Per-image assignment targets, concatenated in image order (= the order of the batch's foreground mask).</summary>
    private sealed class ImageTargets(int numClasses, bool useL1)
    {
        public List<Tensor> FgIndices { get; } = [];
        public List<Tensor> RegTargets { get; } = [];
        public List<Tensor> ClsTargets { get; } = [];
        public List<Tensor> L1Targets { get; } = [];

        public void Add(long offset, SimOTAAssignment a, Tensor gtBoxes, Tensor gtClasses, Tensor grid, Tensor stride)
        {
            using var imageOffset = offset.ToScalar();
            FgIndices.Add(a.FgAnchorIndices.Plus(imageOffset));
            var matchedBoxes = gtBoxes.index_select(0, a.MatchedGtIndices);
            RegTargets.Add(matchedBoxes);
            var oneHot = nn.functional.one_hot(gtClasses.index_select(0, a.MatchedGtIndices), numClasses);
            ClsTargets.Add(oneHot.to(ScalarType.Float32) * a.MatchedIoUs.unsqueeze(1));
            if (useL1)
            {
                var s = stride.index_select(0, a.FgAnchorIndices); // [F, 1]
                var g = grid.index_select(0, a.FgAnchorIndices);   // [F, 2]
                var xy = matchedBoxes[.., ..2] / s - g;
                var wh = (matchedBoxes[.., 2..] / s).Plus(L1LogEpsilon).log();
                L1Targets.Add(torch.cat([xy, wh], 1));
            }
        }

        public Tensor Concat(List<Tensor> parts, Func<Tensor> empty) => parts.Count == 0 ? empty() : torch.cat(parts, 0);
    }
}
