using TorchSharp;
using Xunit;
using YoloX.Core.Heads;
using YoloX.Core.Loss;
using static TorchSharp.torch;

namespace YoloX.Core.Tests.Loss;

/// <summary>
/// Every loss setting must change the result the way the official formula says: the assignment under non-default
/// SimOTA settings equals the loop-based reference run with the same settings (and differs from the default one),
/// and the reg weight scales the IoU term linearly.
/// </summary>
public sealed class LossOptionsEffectTests
{
    private const int Classes = 80;
    private const int Size = 256;

    public static TheoryData<string> Variants => ["radius", "topk", "cls", "iou", "penalty"];

    private static SimOTAOptions Variant(string name) => name switch
    {
        "radius" => new SimOTAOptions { CenterRadius = 3.5 },
        "topk" => new SimOTAOptions { CandidateTopK = 1 },
        "cls" => new SimOTAOptions { ClassCostWeight = 20.0 },
        "iou" => new SimOTAOptions { IoUCostWeight = 0.0 },
        "penalty" => new SimOTAOptions { CenterRadius = 0.75, OutsideCenterPenalty = 0.0 },
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void Non_default_SimOTA_settings_change_the_assignment_as_the_reference_does(string variant)
    {
        using var scope = torch.NewDisposeScope();
        var options = Variant(variant);
        var boxes = variant == "topk" ? AlignedBoxes : SyntheticHead.RandomBoxes(7, Size, Classes, seed: 5, minSide: 12, maxSide: 90);
        var levels = SyntheticHead.Levels(1, Size, Classes, seed: 5);
        if (variant == "topk")
        {
            AlignPredictions(levels);
        }
        var targets = SyntheticHead.Targets(boxes.Length, boxes);
        var changed = Assignment(levels, targets, options);
        var official = Assignment(levels, targets, SimOTAOptions.Default);
        var expected = Reference(levels, targets, boxes.Length, options);

        Assert.Equal(expected.DynamicK, changed.DynamicK);
        Assert.Equal(expected.FgAnchors, changed.FgAnchorIndices);
        Assert.Equal(expected.MatchedGt, changed.MatchedGt);
        Assert.False(
            official.FgAnchorIndices.SequenceEqual(changed.FgAnchorIndices) && official.MatchedGt.SequenceEqual(changed.MatchedGt) &&
            official.DynamicK.SequenceEqual(changed.DynamicK),
            $"the setting '{variant}' did not change the assignment of this case (dynamic k {string.Join(",", official.DynamicK)}, fg {official.FgAnchorIndices.Length})");
    }

    /// <summary>16-pixel boxes centred on stride-16 grid points.</summary>
    private static readonly float[][] AlignedBoxes = [[1, 64, 64, 16, 16], [2, 160, 96, 16, 16], [3, 192, 192, 16, 16]];

    /// <summary>
    /// Predictions placed so that many candidates overlap <see cref="AlignedBoxes"/> well (stride-16 boxes of one
    /// stride on their grid points, stride-8 boxes of two strides): the best ten IoUs then sum to about 3.9, so the
    /// dynamic k depends on how many are summed.
    /// </summary>
    private static void AlignPredictions(Tensor[] levels)
    {
        using var noGrad = torch.no_grad();
        levels[0][.., 0..2].zero_();
        levels[0][.., 2..4].fill_(Math.Log(2));
        levels[1][.., 0..4].zero_();
    }

    [Fact]
    public void RegWeight_scales_the_IoU_term_and_the_total_linearly()
    {
        using var scope = torch.NewDisposeScope();
        var levels = SyntheticHead.Levels(2, Size, Classes, seed: 3);
        var targets = SyntheticHead.Targets(6, SyntheticHead.RandomBoxes(6, Size, Classes, seed: 3), SyntheticHead.RandomBoxes(2, Size, Classes, seed: 4));
        using var five = new YoloXLoss(Classes, SyntheticHead.Strides).Compute(levels, targets);
        using var two = new YoloXLoss(Classes, SyntheticHead.Strides, new YoloXLossOptions { RegWeight = 2.0 }).Compute(levels, targets);
        var (a, b) = (five.ToValues(), two.ToValues());
        Assert.True(double.IsFinite(a.IoU) && a.IoU > 0, $"IoU term {a.IoU}");
        Assert.Equal(a.IoU * 2.0 / 5.0, b.IoU, 1e-4 * a.IoU);
        Assert.Equal(a.Total - a.IoU + b.IoU, b.Total, 1e-4 * a.Total);
        Assert.Equal(a.Objectness, b.Objectness);
        Assert.Equal(a.Classification, b.Classification);
    }

    private static AssignmentInfo Assignment(Tensor[] levels, Tensor targets, SimOTAOptions options)
    {
        var loss = new YoloXLoss(Classes, SyntheticHead.Strides, new YoloXLossOptions { Assignment = options, CollectAssignments = true });
        using var terms = loss.Compute(levels, targets);
        return terms.Assignments![0];
    }

    private static (long[] FgAnchors, long[] MatchedGt, long[] DynamicK) Reference(Tensor[] levels, Tensor targets, int count, SimOTAOptions options)
    {
        var sizes = levels.Select(l => (l.shape[2], l.shape[3])).ToArray();
        var flat = torch.cat(levels.Select(l => l.flatten(2)).ToArray(), 2).permute(0, 2, 1)[0];
        var decoded = AnchorPoints.Decode(flat.unsqueeze(0), sizes, SyntheticHead.Strides)[0];
        var (grid, stride) = AnchorPoints.Build(sizes, SyntheticHead.Strides, ScalarType.Float32, CPU);
        var gt = targets[0, ..count];
        return SimOTAReference.Assign(gt[.., 1..5], gt[.., 0].to(ScalarType.Int64), decoded[.., ..4],
            flat[.., 5..], flat[.., 4..5], grid[0, .., 0], grid[0, .., 1], stride[0, .., 0], Classes, options);
    }
}
