using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using YoloX.Core.Loss;
using YoloX.Testing;
using static TorchSharp.torch;

namespace YoloX.Core.Tests.Loss;

/// <summary>
/// Our loss on crowded BCCD batches against the official <c>get_losses</c> (fixtures of
/// <c>benchmarks/YoloX.SideBySide/dense_loss_fixture.py</c>: the official Nano's raw head outputs on the most crowded
/// samples of the official BCCD training stream, the official loss terms, assignment and the gradient of the total
/// loss with respect to those outputs). The golden fixtures have at most 24 boxes per image; these have 58-61, where
/// dynamic k grows to 8 and up to 10 anchors per image are claimed by several boxes.
/// </summary>
public class DenseLossParityTests(ITestOutputHelper output)
{
    private const double LossRtol = 1e-4;

    /// <summary>
    /// Gradient bound, relative to the largest |gradient| of the level: the official code against itself on another
    /// thread count differs by up to 1.7e-4 of it on a whole model (golden README (c)); the loss alone is shallower.
    /// </summary>
    private const double GradientRtolOfMax = 1e-4;

    public static TheoryData<string> Fixtures => new() { "bccd_dense_first_step", "bccd_dense_finetuned" };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Loss_terms_on_crowded_batches_match_the_official_ones(string name)
    {
        var fixture = DenseLossFixture.Load(name);
        foreach (var useL1 in new[] { false, true })
        {
            using var scope = torch.NewDisposeScope();
            var levels = fixture.Outputs();
            var loss = new YoloXLoss(fixture.NumClasses, fixture.Strides, new YoloXLossOptions { UseL1 = useL1 });
            var v = loss.Compute(levels, fixture.Targets()).ToValues();
            var golden = fixture.Loss(useL1);
            output.WriteLine($"{name} use_l1={useL1}: total {v.Total} vs {golden.GetProperty("total_loss").GetDouble()}");
            AssertClose("total_loss", golden.GetProperty("total_loss").GetDouble(), v.Total);
            AssertClose("iou_loss", golden.GetProperty("iou_loss").GetDouble(), v.IoU);
            AssertClose("conf_loss", golden.GetProperty("conf_loss").GetDouble(), v.Objectness);
            AssertClose("cls_loss", golden.GetProperty("cls_loss").GetDouble(), v.Classification);
            AssertClose("l1_loss", golden.GetProperty("l1_loss").GetDouble(), v.L1);
            Assert.Equal(golden.GetProperty("num_fg").GetDouble(), v.NumFg, 6);
        }
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Assignment_on_crowded_batches_equals_the_official_simota(string name)
    {
        var fixture = DenseLossFixture.Load(name);
        using var scope = torch.NewDisposeScope();
        var loss = new YoloXLoss(fixture.NumClasses, fixture.Strides, new YoloXLossOptions { CollectAssignments = true });
        var terms = loss.Compute(fixture.Outputs(), fixture.Targets());
        var golden = fixture.Assignments();
        Assert.NotNull(terms.Assignments);
        Assert.Equal(golden.Count, terms.Assignments.Count);
        for (var b = 0; b < golden.Count; b++)
        {
            var g = golden[b];
            var a = terms.Assignments[b];
            output.WriteLine($"{name} image {b}: {a.GtRows.Length} boxes, {a.CandidateCount} candidates, " +
                $"{a.FgAnchorIndices.Length} foreground, {a.AnchorsClaimedTwice} contested, max k {a.DynamicK.Max()}");
            Assert.Equal(g.GetProperty("num_gt").GetInt32(), a.GtRows.Length);
            Assert.Equal(g.GetProperty("num_candidates_geometry").GetInt64(), a.CandidateCount);
            Assert.Equal(NanoTrainGolden.Longs(g.GetProperty("dynamic_ks")), a.DynamicK);
            Assert.Equal(g.GetProperty("anchors_claimed_by_multiple_gts").GetInt64(), a.AnchorsClaimedTwice);
            Assert.Equal(NanoTrainGolden.Longs(g.GetProperty("fg_anchor_indices")), a.FgAnchorIndices);
            Assert.Equal(NanoTrainGolden.Longs(g.GetProperty("matched_gt_inds")), a.MatchedGt);
            Assert.Equal(NanoTrainGolden.Longs(g.GetProperty("gt_matched_classes")), a.MatchedClasses);
            var ious = NanoTrainGolden.Doubles(g.GetProperty("pred_ious_this_matching"));
            Assert.Equal(ious.Length, a.MatchedIoUs.Length);
            for (var i = 0; i < ious.Length; i++)
            {
                Assert.True(Math.Abs(ious[i] - a.MatchedIoUs[i]) <= 1e-5, $"image {b} fg {i}: IoU {a.MatchedIoUs[i]} vs {ious[i]}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Gradient_of_the_loss_on_crowded_batches_matches_the_official_backward(string name)
    {
        var fixture = DenseLossFixture.Load(name);
        using var scope = torch.NewDisposeScope();
        var levels = fixture.Outputs().Select(t => t.requires_grad_(true)).ToArray();
        var loss = new YoloXLoss(fixture.NumClasses, fixture.Strides);
        loss.Compute(levels, fixture.Targets()).Total.backward();
        var expected = fixture.Gradients();
        for (var l = 0; l < levels.Length; l++)
        {
            var scale = expected[l].abs().max().item<float>();
            Assert.True(scale > 0, $"level {l}: the official gradient is all zero");
            var grad = levels[l].grad ?? throw new InvalidOperationException($"level {l} has no gradient");
            var diff = TensorAssert.Close(expected[l], grad, GradientRtolOfMax * scale, what: $"{name} level {l} gradient");
            output.WriteLine($"{name} level {l}: max |grad| {scale:G4}, max |diff| {diff:G3} ({diff / scale:G3} of it)");
        }
    }

    private void AssertClose(string what, double expected, double actual)
    {
        var allowed = LossRtol * Math.Max(Math.Abs(expected), 1e-6);
        Assert.True(Math.Abs(actual - expected) <= allowed, $"{what}: {actual} vs official {expected}");
        output.WriteLine($"  {what}: {actual:G9} vs {expected:G9}");
    }
}
