using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using YoloX.Core.Loss;
using YoloX.Core.Weights;
using static TorchSharp.torch;

namespace YoloX.Core.Tests.Loss;

public class YoloXLossParityTests(ITestOutputHelper output)
{
    private const double LossRtol = 1e-4;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Loss_terms_match_the_official_train_mode_golden(bool useL1)
    {
        using var model = NanoTrainGolden.CreateModel();
        using var images = NanoTrainGolden.Images();
        using var targets = NanoTrainGolden.Targets();
        using var terms = model.ComputeLoss(images, targets, new YoloXLossOptions { UseL1 = useL1 });
        var v = terms.ToValues();
        var golden = NanoTrainGolden.Case(useL1);

        AssertClose("total_loss", golden.GetProperty("total_loss").GetDouble(), v.Total);
        AssertClose("iou_loss", golden.GetProperty("iou_loss").GetDouble(), v.IoU);
        AssertClose("conf_loss", golden.GetProperty("conf_loss").GetDouble(), v.Objectness);
        AssertClose("cls_loss", golden.GetProperty("cls_loss").GetDouble(), v.Classification);
        AssertClose("l1_loss", golden.GetProperty("l1_loss").GetDouble(), v.L1);
        Assert.Equal(golden.GetProperty("num_fg").GetDouble(), v.NumFg, 12);
        Assert.Equal(golden.GetProperty("num_fg_total_anchors").GetInt64(), v.NumFgAnchors);
        Assert.Equal(golden.GetProperty("num_gts").GetInt64(), v.NumGts);
    }

    [Fact]
    public void Assignment_equals_the_official_simota_assignment_including_the_contested_anchor()
    {
        using var model = NanoTrainGolden.CreateModel();
        using var images = NanoTrainGolden.Images();
        using var targets = NanoTrainGolden.Targets();
        using var terms = model.ComputeLoss(images, targets, new YoloXLossOptions { CollectAssignments = true });
        var golden = NanoTrainGolden.Case(false).GetProperty("assignment").EnumerateArray().ToList();

        Assert.NotNull(terms.Assignments);
        Assert.Equal(golden.Count, terms.Assignments.Count);
        for (var b = 0; b < golden.Count; b++)
        {
            var g = golden[b];
            var a = terms.Assignments[b];
            Assert.Equal(g.GetProperty("num_candidates_geometry").GetInt64(), a.CandidateCount);
            Assert.Equal(NanoTrainGolden.Longs(g.GetProperty("dynamic_ks")), a.DynamicK);
            Assert.Equal(NanoTrainGolden.Longs(g.GetProperty("fg_anchor_indices")), a.FgAnchorIndices);
            Assert.Equal(NanoTrainGolden.Longs(g.GetProperty("matched_gt_inds")), a.MatchedGt);
            Assert.Equal(NanoTrainGolden.Longs(g.GetProperty("gt_matched_classes")), a.MatchedClasses);
            Assert.Equal(g.GetProperty("n_anchors_claimed_by_multiple_gts").GetInt64(), a.AnchorsClaimedTwice);
            var ious = NanoTrainGolden.Doubles(g.GetProperty("pred_ious_this_matching"));
            for (var i = 0; i < ious.Length; i++)
            {
                Assert.True(Math.Abs(ious[i] - a.MatchedIoUs[i]) <= 1e-4, $"image {b} fg {i}: IoU {a.MatchedIoUs[i]} vs {ious[i]}");
            }
        }
        // Image 1: GT 1 loses its only anchor to GT 4 and ends with none.
        Assert.Equal(1, terms.Assignments[1].AnchorsClaimedTwice);
        Assert.DoesNotContain(1L, terms.Assignments[1].MatchedGt);
    }

    [Fact]
    public void Gradients_of_every_parameter_match_the_official_backward()
    {
        using var model = NanoTrainGolden.CreateModel();
        using var images = NanoTrainGolden.Images();
        using var targets = NanoTrainGolden.Targets();
        using (var terms = model.ComputeLoss(images, targets))
        {
            terms.Total.backward();
        }
        var expected = NanoTrainGolden.Gradients();
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        Assert.Equal(330, expected.Count);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), parameters.Keys.Order(StringComparer.Ordinal));
        var worst = (Name: "", Ratio: 0.0);
        foreach (var (name, raw) in expected)
        {
            using var scope = torch.NewDisposeScope();
            var want = raw.ToTensor();
            var grad = parameters[name].grad;
            Assert.NotNull(grad);
            var scale = want.abs().max().item<float>();
            var diff = (grad - want).abs().max().item<float>();
            var ratio = scale > 0 ? diff / scale : diff;
            if (ratio > worst.Ratio)
            {
                worst = (name, ratio);
            }
            Assert.True(ratio <= 1e-3, $"{name}: max |grad diff| {diff:E3} = {ratio:E3} × max |grad| {scale:E3}");
        }
        output.WriteLine($"worst gradient error: {worst.Ratio:E3} × max|grad| ({worst.Name})");
    }

    [Fact]
    public void Gradient_norms_with_L1_match_the_official_per_parameter_statistics()
    {
        using var model = NanoTrainGolden.CreateModel();
        using var images = NanoTrainGolden.Images();
        using var targets = NanoTrainGolden.Targets();
        using (var terms = model.ComputeLoss(images, targets, useL1: true))
        {
            terms.Total.backward();
        }
        var stats = NanoTrainGolden.Case(useL1: true).GetProperty("grad_stats");
        var worst = 0.0;
        var count = 0;
        foreach (var (name, parameter) in model.named_parameters())
        {
            var official = stats.GetProperty(name);
            var l2 = official.GetProperty("l2").GetDouble();
            var sum = official.GetProperty("sum").GetDouble();
            var absSum = official.GetProperty("abs_sum").GetDouble();
            using var grad = parameter.grad!.to(ScalarType.Float64);
            var oursL2 = grad.norm().item<double>();
            var relative = Math.Abs(oursL2 - l2) / l2;
            worst = Math.Max(worst, relative);
            Assert.True(relative <= 1e-3, $"{name}: |grad| {oursL2} vs official {l2}");
            // The signed sum can cancel, so it is checked against the absolute sum.
            Assert.True(Math.Abs(grad.sum().item<double>() - sum) <= 1e-3 * absSum, $"{name}: sum of grad differs");
            count++;
        }
        Assert.Equal(330, count);
        output.WriteLine($"worst relative error of a gradient L2 norm (use_l1=True): {worst:E3}");
    }

    [Fact]
    public void Train_mode_loss_forward_updates_batch_norm_running_stats_like_the_official_forward()
    {
        using var model = NanoTrainGolden.CreateModel();
        using var images = NanoTrainGolden.Images();
        using var targets = NanoTrainGolden.Targets();
        using (model.ComputeLoss(images, targets))
        {
        }
        var expected = RawTensorFile.ReadMap(YoloX.Testing.SharedAssets.Golden("nano_bn_after_train_forward.json"));
        var buffers = StateDict.Ordered(model).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        Assert.Equal(312, expected.Count);
        var worst = 0.0;
        foreach (var (name, raw) in expected)
        {
            using var scope = torch.NewDisposeScope();
            var want = raw.ToTensor().to(ScalarType.Float64);
            var scale = Math.Max(1.0, want.abs().max().item<double>());
            var diff = (buffers[name].to(ScalarType.Float64) - want).abs().max().item<double>() / scale;
            worst = Math.Max(worst, diff);
            Assert.True(diff <= 1e-5, $"{name}: max |diff| {diff:E3} × max(1, max |buffer|)");
        }
        output.WriteLine($"worst BN buffer error: {worst:E3} × max(1, max |buffer|)");
    }

    private void AssertClose(string name, double expected, double actual)
    {
        var err = Math.Abs(actual - expected);
        var rel = expected == 0 ? err : err / Math.Abs(expected);
        output.WriteLine($"{name}: official {expected:R}, ours {actual:R}, rel err {rel:E2}");
        Assert.True(expected == 0 ? err <= 1e-7 : rel <= LossRtol, $"{name}: {actual} vs official {expected} (rel err {rel:E2})");
    }
}
