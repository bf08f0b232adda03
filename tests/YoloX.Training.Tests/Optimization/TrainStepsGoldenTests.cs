using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using YoloX.Core;
using YoloX.Core.Weights;
using YoloX.Training.Engine;
using YoloX.Training.Optimization;
using static TorchSharp.torch;
using G = YoloX.Training.Tests.Optimization.TrainStepsGolden;

namespace YoloX.Training.Tests.Optimization;

/// <summary>
/// Per-iteration parity with the official trainer (golden/train_steps, tolerances from its README's noise-floor
/// section): schedule, EMA counter/decay, L1 switch, iterations 0–2 chained from the initial weights, and one step
/// from the iteration-3 and iteration-10 snapshots.
/// </summary>
public sealed class TrainStepsGoldenTests(ITestOutputHelper output)
{
    private static readonly string[] Terms = ["total_loss", "iou_loss", "conf_loss", "cls_loss", "l1_loss"];

    [Fact]
    public void Schedule_gives_every_group_the_official_lr_at_every_iteration()
    {
        var schedule = LearningRateSchedules.Create(G.Recipe, G.IterationsPerEpoch, G.Batch);
        using var model = YoloXModel.Create(YoloXPreset.Nano);
        using var sgd = YoloXSgd.Create(model, G.Recipe);
        for (var k = 0; k < 12; k++)
        {
            var it = G.Iteration(k);
            var lr = schedule.GetLearningRate(k);
            sgd.SetLearningRate(lr);
            var used = it.GetProperty("lr_used").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            Assert.Equal(3, used.Length);
            for (var g = 0; g < 3; g++)
                AssertLr(used[g], sgd.Groups[g].LearningRate, $"iteration {k} group {g}");
            AssertLr(it.GetProperty("lr_set_after_step").GetDouble(), schedule.GetLearningRate(k + 1), $"f({k + 1})");
        }
    }

    [Fact]
    public void L1_switch_and_no_aug_phase_start_where_the_official_trainer_switches()
    {
        var recipe = G.Recipe;
        var switchInfo = G.Steps.GetProperty("l1_switch");
        Assert.Equal(switchInfo.GetProperty("epoch").GetInt32(), recipe.NoAugSwitchEpoch);
        for (var k = 0; k < 12; k++)
        {
            var it = G.Iteration(k);
            Assert.Equal(it.GetProperty("use_l1").GetBoolean(), recipe.IsNoAugEpoch(it.GetProperty("epoch").GetInt32()));
        }
        Assert.Equal(switchInfo.GetProperty("first_iter_with_l1").GetInt32(), recipe.NoAugSwitchEpoch * G.IterationsPerEpoch);
    }

    [Fact]
    public void Optimizer_groups_are_the_official_ones_in_the_official_order()
    {
        using var model = YoloXModel.Create(YoloXPreset.Nano);
        using var sgd = YoloXSgd.Create(model, G.Recipe);
        var groups = G.Steps.GetProperty("optimizer").GetProperty("groups");
        double[] decays = [0, 5e-4, 0];
        for (var g = 0; g < 3; g++)
        {
            var names = groups[g].GetProperty("param_names").EnumerateArray().Select(e => e.GetString()!).ToArray();
            Assert.Equal(names, sgd.Groups[g].ParameterNames);
            Assert.Equal(groups[g].GetProperty("weight_decay").GetDouble(), sgd.Groups[g].WeightDecay);
            Assert.Equal(decays[g], sgd.Groups[g].WeightDecay);
        }
        Assert.Equal(model.parameters().Count(), sgd.Parameters.Count());
    }

    [Fact]
    public void Iterations_0_to_2_chained_from_the_initial_weights_match_the_official_losses()
    {
        using var model = G.Model("weights_init.json");
        using var init = G.Tensors("weights_init.json");
        using var sgd = YoloXSgd.Create(model, G.Recipe);
        using var ema = ModelEma.Create(model, G.Recipe);
        var step = new TrainingStep(model, sgd, ema, new TrainingStepOptions { MeasureGradientNorm = true });
        var schedule = LearningRateSchedules.Create(G.Recipe, G.IterationsPerEpoch, G.Batch);

        for (var k = 0; k <= 2; k++)
        {
            using var images = G.Images(k);
            using var targets = G.Targets(k);
            var result = step.Run(images, targets, schedule.GetLearningRate(k));
            var it = G.Iteration(k);
            Assert.False(result.Skipped);
            Report(k, result);
            if (k < 2)
            {
                foreach (var term in Terms)
                    AssertLossTerm(k, term, result, rel: 1e-4, abs: 0);
                Assert.Equal(G.Loss(k, "num_fg"), result.Loss.NumFg, 12);
                TensorBounds.RelClose(it.GetProperty("grad_l2_norm").GetDouble(), result.GradientNorm!.Value, 1e-3, $"grad L2 {k}");
            }
            else
            {
                // Iteration 2 is already at the edge of the chaotic regime (README): total rel 2e-3, terms abs 0.05.
                TensorBounds.RelClose(G.Loss(k, "total_loss"), result.Loss.Total, 2e-3, "total 2");
                foreach (var term in Terms)
                    AssertLossTerm(k, term, result, rel: 0, abs: 0.05);
            }
            Assert.Equal(it.GetProperty("ema_updates").GetInt64(), result.EmaUpdates);
            AssertLr(it.GetProperty("ema_decay_used").GetDouble(), result.EmaDecay!.Value, $"EMA decay {k}");
            if (k == 0)
                AssertParametersEqual(init, model);
        }
    }

    [Fact]
    public void One_step_from_the_iteration_10_snapshot_reproduces_the_final_model_ema_and_momentum()
    {
        using var model = G.Model("model_after_iter10.json");
        using var sgd = YoloXSgd.Create(model, G.Recipe);
        using (var momentum = G.Tensors("momentum_after_iter10.json"))
            sgd.ImportState(momentum);
        using var ema = ModelEma.Create(model, G.Recipe);
        using (var emaState = G.Tensors("ema_after_iter10.json"))
            ema.ImportState(emaState, updates: 11);
        var step = new TrainingStep(model, sgd, ema, new TrainingStepOptions { MeasureGradientNorm = true }) { UseL1 = true };
        var lr = LearningRateSchedules.Create(G.Recipe, G.IterationsPerEpoch, G.Batch).GetLearningRate(11);
        Assert.Equal(0.001, lr, 15);

        using var images = G.Images(11);
        using var targets = G.Targets(11);
        var result = step.Run(images, targets, lr);
        Report(11, result);
        foreach (var term in Terms)
            AssertLossTerm(11, term, result, rel: 1e-4, abs: 0);
        Assert.Equal(12, result.EmaUpdates);
        AssertLr(G.Iteration(11).GetProperty("ema_decay_used").GetDouble(), result.EmaDecay!.Value, "EMA decay 11");

        using var modelFinal = G.Tensors("model_final.json");
        using var emaFinal = G.Tensors("ema_final.json");
        using var momentumFinal = G.Tensors("momentum_final.json");
        using var actualModel = Snapshot(model);
        using var actualEma = new DisposableDictionary(ema.ExportState());
        using var actualMomentum = new DisposableDictionary(sgd.ExportState());
        var m = TensorBounds.AssertWithin(modelFinal, actualModel, 1e-5, 1e-7, "model_final");
        var e = TensorBounds.AssertWithin(emaFinal, actualEma, 1e-5, 1e-7, "ema_final");
        var b = TensorBounds.AssertWithin(momentumFinal, actualMomentum, 1e-4, 0, "momentum_final");
        output.WriteLine($"worst max|diff|/max|t|: model {m:E2}, EMA {e:E2}, momentum {b:E2}");
        Assert.Equal(12, NumBatchesTracked(actualModel));
        Assert.Equal(0, NumBatchesTracked(actualEma));
    }

    [Fact]
    public void One_step_from_the_iteration_3_snapshot_matches_the_official_iteration_4()
    {
        using var model = G.Model("model_after_iter3.json");
        using var sgd = YoloXSgd.Create(model, G.Recipe);
        using (var momentum = G.Tensors("momentum_after_iter3.json"))
            sgd.ImportState(momentum);
        using var ema = ModelEma.Create(model, G.Recipe, updates: 4); // README: ema = copy(model), updates = 4
        var step = new TrainingStep(model, sgd, ema, new TrainingStepOptions { MeasureGradientNorm = true });
        var lr = LearningRateSchedules.Create(G.Recipe, G.IterationsPerEpoch, G.Batch).GetLearningRate(4);
        Assert.Equal(0.02, lr, 15);

        using var images = G.Images(4);
        using var targets = G.Targets(4);
        var result = step.Run(images, targets, lr);
        Report(4, result);
        var it = G.Iteration(4);
        foreach (var term in Terms)
            AssertLossTerm(4, term, result, rel: 1e-4, abs: 0);
        TensorBounds.RelClose(it.GetProperty("grad_l2_norm").GetDouble(), result.GradientNorm!.Value, 1e-3, "grad L2 4");

        var groupNorms = it.GetProperty("model_param_l2_norm_after_per_group").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        for (var g = 0; g < 3; g++)
            TensorBounds.RelClose(groupNorms[g], TensorBounds.L2(sgd.Groups[g].Parameters), 1e-6, $"param L2 group {g}");
        TensorBounds.RelClose(it.GetProperty("model_param_l2_norm_after").GetDouble(), TensorBounds.L2(model.parameters()), 1e-6, "param L2");
        using var state = Snapshot(model);
        TensorBounds.RelClose(it.GetProperty("model_state_float_l2_norm_after").GetDouble(),
            TensorBounds.L2(state.Values.Where(t => t.is_floating_point())), 1e-6, "state L2 (BN statistics included)");
        using var momentumAfter = new DisposableDictionary(sgd.ExportState());
        TensorBounds.RelClose(it.GetProperty("momentum_l2_norm_after").GetDouble(), TensorBounds.L2(momentumAfter.Values), 1e-6, "momentum L2");
        // The README measures the restart's EMA norm 1.4e-6 relative off the chained run at iteration 4 (copy vs average).
        TensorBounds.RelClose(it.GetProperty("ema_param_l2_norm_after").GetDouble(), TensorBounds.L2(ema.Model.parameters()), 1e-5, "EMA param L2");
        using var emaState = new DisposableDictionary(ema.ExportState());
        TensorBounds.RelClose(it.GetProperty("ema_state_float_l2_norm_after").GetDouble(),
            TensorBounds.L2(emaState.Values.Where(t => t.is_floating_point())), 1e-5, "EMA state L2");
        Assert.Equal(5, result.EmaUpdates);
    }

    [Fact]
    [Trait("Category", "Slow")] // four Nano steps; beyond the README's required tests
    public void Iterations_4_to_7_after_the_iteration_3_restart_stay_within_the_README_bounds()
    {
        using var model = G.Model("model_after_iter3.json");
        using var sgd = YoloXSgd.Create(model, G.Recipe);
        using (var momentum = G.Tensors("momentum_after_iter3.json"))
            sgd.ImportState(momentum);
        using var ema = ModelEma.Create(model, G.Recipe, updates: 4);
        var step = new TrainingStep(model, sgd, ema, new TrainingStepOptions { MeasureGradientNorm = true });
        var schedule = LearningRateSchedules.Create(G.Recipe, G.IterationsPerEpoch, G.Batch);
        for (var k = 4; k <= 7; k++)
        {
            using var images = G.Images(k);
            using var targets = G.Targets(k);
            var result = step.Run(images, targets, schedule.GetLearningRate(k));
            Report(k, result);
            // README (1-thread restart from iteration 3): loss diffs 1.9e-6 at 4 growing to 2e-4 at 7, components up
            // to 1.1e-2; its bound for iterations 5-7 is abs 0.05 on every term.
            foreach (var term in Terms)
                AssertLossTerm(k, term, result, rel: k == 4 ? 1e-4 : 0, abs: k == 4 ? 0 : 0.05);
            Assert.Equal(k + 1, result.EmaUpdates);
        }
    }

    private void Report(int k, TrainingStepResult r)
    {
        var rel = Terms.Select(t => (t, e: G.Loss(k, t), a: Value(t, r)))
            .Select(x => $"{x.t} {x.a:R} (rel {(x.e == 0 ? Math.Abs(x.a) : Math.Abs(x.a - x.e) / Math.Abs(x.e)):E1})");
        var grad = G.Iteration(k).GetProperty("grad_l2_norm").GetDouble();
        output.WriteLine($"iter {k}: {string.Join(", ", rel)}, num_fg {r.Loss.NumFg}, grad L2 {r.GradientNorm:R} (rel {Math.Abs(r.GradientNorm!.Value - grad) / grad:E1})");
    }

    private static double Value(string term, TrainingStepResult r) => term switch
    {
        "total_loss" => r.Loss.Total,
        "iou_loss" => r.Loss.IoU,
        "conf_loss" => r.Loss.Objectness,
        "cls_loss" => r.Loss.Classification,
        _ => r.Loss.L1,
    };

    private static void AssertLossTerm(int k, string term, TrainingStepResult r, double rel, double abs)
    {
        var actual = Value(term, r);
        var expected = G.Loss(k, term);
        Assert.True(double.IsFinite(actual), $"iteration {k} {term} not finite");
        Assert.True(Math.Abs(actual - expected) <= rel * Math.Abs(expected) + abs,
            $"iteration {k} {term}: expected {expected:R}, got {actual:R}");
    }

    private static void AssertLr(double expected, double actual, string what)
    {
        if (expected == 0)
            Assert.Equal(0.0, actual);
        else
            TensorBounds.RelClose(expected, actual, 1e-12, what);
    }

    private static void AssertParametersEqual(IReadOnlyDictionary<string, Tensor> init, YoloXModel model)
    {
        foreach (var (name, p) in model.named_parameters())
            Assert.True(init[name].eq(p.detach().cpu()).all().item<bool>(), $"parameter '{name}' moved in the lr-0 iteration 0");
    }

    private static DisposableDictionary Snapshot(nn.Module model) =>
        new(StateDict.Ordered(model).ToDictionary(kv => kv.Key, kv => kv.Value.detach().cpu().clone(), StringComparer.Ordinal));

    private static long NumBatchesTracked(IReadOnlyDictionary<string, Tensor> state) =>
        state.Where(kv => kv.Key.EndsWith("num_batches_tracked", StringComparison.Ordinal))
            .Select(kv => kv.Value.item<long>()).Distinct().Single();
}
