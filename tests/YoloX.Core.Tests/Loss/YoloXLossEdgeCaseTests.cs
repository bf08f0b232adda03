using TorchSharp;
using Xunit;
using YoloX.Core.Heads;
using YoloX.Core.Loss;
using static TorchSharp.torch;

namespace YoloX.Core.Tests.Loss;

public class YoloXLossEdgeCaseTests
{
    private const int Classes = 80;
    private const int Size = 256;

    private static readonly YoloXLossOptions Collect = new() { CollectAssignments = true };

    private static LossTerms Compute(Tensor[] levels, Tensor targets, YoloXLossOptions? options = null) =>
        new YoloXLoss(Classes, SyntheticHead.Strides, options ?? Collect).Compute(levels, targets);

    [Fact]
    public void Image_without_targets_has_zero_box_and_class_loss_and_positive_objectness_loss()
    {
        using var scope = torch.NewDisposeScope();
        var levels = SyntheticHead.Levels(1, Size, Classes, seed: 1, requiresGrad: true);
        var targets = torch.zeros(1, 120, 5);
        using var terms = Compute(levels, targets);
        var v = terms.ToValues();
        Assert.Equal(0.0, v.IoU);
        Assert.Equal(0.0, v.Classification);
        Assert.True(v.Objectness > 0 && double.IsFinite(v.Objectness));
        Assert.Equal(0, v.NumFgAnchors);
        Assert.Equal(0, v.NumGts);
        Assert.Equal(1.0, v.NumFg); // official: max(num_fg, 1) / max(num_gts, 1)
        terms.Total.backward();
        Assert.True(levels.All(l => l.grad is not null && l.grad.isfinite().all().item<bool>()));
    }

    [Fact]
    public void Empty_image_in_a_batch_adds_only_objectness_loss()
    {
        using var scope = torch.NewDisposeScope();
        var boxes = SyntheticHead.RandomBoxes(4, Size, Classes, seed: 2);
        var levels = SyntheticHead.Levels(2, Size, Classes, seed: 2);
        var firstOnly = levels.Select(l => l[..1]).ToArray();
        using var alone = Compute(firstOnly, SyntheticHead.Targets(8, boxes));
        using var withEmpty = Compute(levels, SyntheticHead.Targets(8, boxes, []));
        var a = alone.ToValues();
        var b = withEmpty.ToValues();
        Assert.Equal(a.NumFgAnchors, b.NumFgAnchors);
        Assert.Equal(a.IoU, b.IoU, 6);
        Assert.Equal(a.Classification, b.Classification, 6);
        Assert.True(b.Objectness > a.Objectness);
        Assert.Equal(alone.Assignments![0].FgAnchorIndices, withEmpty.Assignments![0].FgAnchorIndices);
        Assert.Empty(withEmpty.Assignments[1].FgAnchorIndices);
    }

    [Fact]
    public void Boxes_outside_the_image_of_zero_or_negative_size_or_not_finite_are_ignored_without_NaN()
    {
        using var scope = torch.NewDisposeScope();
        var good = new float[] { 3, 100, 120, 40, 30 };
        var levels = SyntheticHead.Levels(1, Size, Classes, seed: 3, requiresGrad: true);
        using var clean = Compute(levels, SyntheticHead.Targets(8, [good]));
        var bad = new[]
        {
            new float[] { 1, 400, 100, 40, 40 },            // entirely right of the 256 px image
            new float[] { 2, 100, 100, 0, 20 },             // zero width
            new float[] { 4, 100, 100, 20, -5 },            // negative height
            good,
            new float[] { 5, float.NaN, 100, 20, 20 },      // not finite
            new float[] { 6, 100, float.PositiveInfinity, 20, 20 },
        };
        using var dirty = Compute(levels, SyntheticHead.Targets(8, bad));
        var c = clean.ToValues();
        var d = dirty.ToValues();
        Assert.True(d.IsFinite);
        Assert.Equal(1, d.NumGts);
        Assert.Equal([3L], dirty.Assignments![0].GtRows);
        Assert.Equal(c with { }, d);
        Assert.Equal(clean.Assignments![0].FgAnchorIndices, dirty.Assignments[0].FgAnchorIndices);
        dirty.Total.backward();
        Assert.True(levels.All(l => l.grad!.isfinite().all().item<bool>()));
    }

    [Fact]
    public void Box_centred_far_outside_the_image_gets_no_anchor_and_no_error()
    {
        using var scope = torch.NewDisposeScope();
        // Overlaps the image (x from −130 to 10) but its centre is beyond every anchor's centre region.
        var levels = SyntheticHead.Levels(1, Size, Classes, seed: 4);
        using var terms = Compute(levels, SyntheticHead.Targets(4, [[7, -60, 100, 140, 40]]));
        var v = terms.ToValues();
        Assert.True(v.IsFinite);
        Assert.Equal(1, v.NumGts);
        Assert.Equal(0, v.NumFgAnchors);
        Assert.Equal(0, terms.Assignments![0].CandidateCount);
        Assert.Equal([0L], terms.Assignments[0].DynamicK);
    }

    [Fact]
    public void Assignment_of_120_targets_in_one_image_equals_the_literal_official_algorithm()
    {
        var boxes = SyntheticHead.RandomBoxes(120, Size, Classes, seed: 5);
        AssertMatchesReference(boxes, seed: 5, out var info);
        Assert.Equal(120, info.DynamicK.Length);
        Assert.Contains(info.DynamicK, k => k > 1);
        Assert.True(info.AnchorsClaimedTwice > 0, "the case should exercise the contested-anchor branch");
    }

    [Fact]
    public void Assignment_with_all_targets_of_one_class_equals_the_literal_official_algorithm()
    {
        var boxes = SyntheticHead.RandomBoxes(12, Size, Classes, seed: 6, minSide: 8, maxSide: 40);
        foreach (var box in boxes)
        {
            box[0] = 17;
        }
        AssertMatchesReference(boxes, seed: 6, out var info);
        Assert.All(info.MatchedClasses, c => Assert.Equal(17, c));
        Assert.NotEmpty(info.FgAnchorIndices);
    }

    [Fact]
    public void Class_outside_the_range_throws_naming_the_row()
    {
        using var scope = torch.NewDisposeScope();
        var levels = SyntheticHead.Levels(2, Size, Classes, seed: 7);
        var targets = SyntheticHead.Targets(4, [[1, 50, 50, 20, 20]], [[2, 60, 60, 20, 20], [80, 90, 90, 20, 20]]);
        var ex = Assert.Throws<ArgumentException>(() => Compute(levels, targets));
        Assert.Contains("targets[1, 1]", ex.Message);
    }

    [Fact]
    public void Wrong_target_or_level_shapes_throw()
    {
        using var scope = torch.NewDisposeScope();
        var levels = SyntheticHead.Levels(2, Size, Classes, seed: 8);
        Assert.Throws<ArgumentException>(() => Compute(levels, torch.zeros(2, 10, 4)));
        Assert.Throws<ArgumentException>(() => Compute(levels, torch.zeros(3, 10, 5)));
        Assert.Throws<ArgumentException>(() => Compute([levels[0], levels[2], levels[1]], torch.zeros(2, 10, 5)));
        Assert.Throws<ArgumentException>(() => Compute(levels[..2], torch.zeros(2, 10, 5)));
    }

    [Fact]
    public void Non_finite_network_output_raises_NonFiniteLossException()
    {
        using var scope = torch.NewDisposeScope();
        var levels = SyntheticHead.Levels(1, Size, Classes, seed: 9);
        levels[1][0, 4, 3, 3] = torch.tensor(float.NaN);
        var targets = SyntheticHead.Targets(4, [[1, 50, 50, 20, 20]]);
        var ex = Assert.Throws<NonFiniteLossException>(() => Compute(levels, targets));
        Assert.True(double.IsNaN(ex.Values.Objectness));

        using var unchecked_ = Compute(levels, targets, new YoloXLossOptions { ThrowOnNonFinite = false });
        Assert.False(unchecked_.ToValues().IsFinite);
        Assert.Throws<NonFiniteLossException>(() => unchecked_.EnsureFinite());
    }

    [Fact]
    public void L1_targets_of_a_perfect_prediction_give_zero_L1_loss()
    {
        using var scope = torch.NewDisposeScope();
        // One box exactly on stride-8 cell (12, 12) of size 3×2 strides: a raw output of (0.5, 0.5, ln 3, ln 2) there
        // decodes to it, so its L1 target equals the raw output.
        var levels = SyntheticHead.Levels(1, Size, Classes, seed: 10);
        foreach (var level in levels)
        {
            level[.., 2..4] = torch.tensor(-5f); // every other predicted box tiny: IoU ≈ 0, so dynamic k = 1
        }
        levels[0][0, 0, 12, 12] = torch.tensor(0.5f);
        levels[0][0, 1, 12, 12] = torch.tensor(0.5f);
        levels[0][0, 2, 12, 12] = torch.tensor(MathF.Log(3));
        levels[0][0, 3, 12, 12] = torch.tensor(MathF.Log(2));
        var targets = SyntheticHead.Targets(2, [[0, 100, 100, 24, 16]]);
        using var terms = Compute(levels, targets, new YoloXLossOptions { UseL1 = true, CollectAssignments = true });
        var info = terms.Assignments![0];
        Assert.Equal([12L * 32 + 12], info.FgAnchorIndices);
        Assert.Equal(0.0, terms.ToValues().L1, 5);
        Assert.Equal(1.0, info.MatchedIoUs[0], 5);
    }

    [Fact]
    public void Loss_step_leaves_no_live_tensor_behind()
    {
        using var scope = torch.NewDisposeScope();
        var levels = SyntheticHead.Levels(2, Size, Classes, seed: 11, requiresGrad: true);
        var targets = SyntheticHead.Targets(8, SyntheticHead.RandomBoxes(6, Size, Classes, seed: 11), []);
        var loss = new YoloXLoss(Classes, SyntheticHead.Strides, new YoloXLossOptions { UseL1 = true, CollectAssignments = true });
        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        using (var terms = loss.Compute(levels, targets))
        {
            terms.Total.backward();
        }
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    private static void AssertMatchesReference(float[][] boxes, int seed, out AssignmentInfo info)
    {
        using var scope = torch.NewDisposeScope();
        var levels = SyntheticHead.Levels(1, Size, Classes, seed);
        using var terms = Compute(levels, SyntheticHead.Targets(boxes.Length, boxes));
        info = terms.Assignments![0];

        var sizes = levels.Select(l => (l.shape[2], l.shape[3])).ToArray();
        var flat = torch.cat(levels.Select(l => l.flatten(2)).ToArray(), 2).permute(0, 2, 1)[0];
        var decoded = AnchorPoints.Decode(flat.unsqueeze(0), sizes, SyntheticHead.Strides)[0];
        var (grid, stride) = AnchorPoints.Build(sizes, SyntheticHead.Strides, ScalarType.Float32, CPU);
        var gt = SyntheticHead.Targets(boxes.Length, boxes)[0];
        var expected = SimOTAReference.Assign(gt[.., 1..5], gt[.., 0].to(ScalarType.Int64), decoded[.., ..4],
            flat[.., 5..], flat[.., 4..5], grid[0, .., 0], grid[0, .., 1], stride[0, .., 0], Classes);

        Assert.Equal(expected.DynamicK, info.DynamicK);
        Assert.Equal(expected.FgAnchors, info.FgAnchorIndices);
        Assert.Equal(expected.MatchedGt, info.MatchedGt);
    }
}
