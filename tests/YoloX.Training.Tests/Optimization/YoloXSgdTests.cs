using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using Xunit.Abstractions;
using YoloX.Core;
using YoloX.Training.Optimization;
using static TorchSharp.torch;

namespace YoloX.Training.Tests.Optimization;

/// <summary>The SGD update, its comparison with TorchSharp's own SGD, and state export/import.</summary>
public sealed class YoloXSgdTests(ITestOutputHelper output)
{
    /// <summary>
    /// The question of the brief: does TorchSharp's SGD with parameter groups give PyTorch's Nesterov update? We run
    /// both on the same Nano parameters and gradients for three steps and report the largest difference. Ours is
    /// written to PyTorch's single-tensor algorithm (proven against the official run in TrainStepsGoldenTests).
    /// </summary>
    [Fact]
    public void Update_matches_TorchSharps_grouped_SGD_on_the_same_gradients()
    {
        torch.manual_seed(3);
        using var ours = YoloXModel.Create(YoloXPreset.Nano);
        using var theirs = YoloXModel.Create(YoloXPreset.Nano);
        theirs.load_state_dict(ours.state_dict());
        using var sgd = YoloXSgd.Create(ours, momentum: 0.9, nesterov: true, weightDecay: 5e-4, learningRate: 0.02);
        var oursByName = ours.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var theirsByName = theirs.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var groups = sgd.Groups.Select(g => new SGD.ParamGroup(g.ParameterNames.Select(n => theirsByName[n]),
            new SGD.Options { LearningRate = 0.02, momentum = 0.9, nesterov = true, weight_decay = g.WeightDecay })).ToArray();
        var reference = torch.optim.SGD(groups, 0.02, momentum: 0.9, nesterov: true);

        double worst = 0;
        for (var step = 0; step < 3; step++)
        {
            foreach (var (name, p) in oursByName)
            {
                var g = torch.randn(p.shape) * 100;
                p.grad = g;
                theirsByName[name].grad = g.clone();
            }
            sgd.Step();
            reference.step();
            foreach (var (name, p) in oursByName)
            {
                using var d = (p.detach() - theirsByName[name].detach()).abs().max();
                worst = Math.Max(worst, d.item<float>());
            }
        }
        output.WriteLine($"max |ours − TorchSharp SGD| after 3 steps: {worst:E3}");
        Assert.True(double.IsFinite(worst));
        Assert.Equal(0.0, worst);
    }

    [Fact]
    public void First_step_sets_the_momentum_to_the_decayed_gradient_and_lr_zero_moves_nothing()
    {
        using var model = YoloXModel.Create(YoloXPreset.Nano);
        using var sgd = YoloXSgd.Create(model, TrainingRecipe.Default);
        var conv = sgd.Groups[1];
        var p = conv.Parameters[0];
        using var before = p.detach().clone();
        foreach (var q in sgd.Parameters)
            q.grad = torch.ones_like(q);
        sgd.SetLearningRate(0);
        sgd.Step();
        Assert.True(before.eq(p.detach()).all().item<bool>());
        using var state = new DisposableDictionary(sgd.ExportState());
        using var expected = torch.ones_like(before).add(before, 5e-4);
        Assert.True(expected.eq(state[conv.ParameterNames[0]]).all().item<bool>());
        Assert.Equal(sgd.Parameters.Count(), state.Count);
    }

    [Fact]
    public void Exported_state_imports_into_a_fresh_optimizer_and_continues_identically()
    {
        using var a = YoloXModel.Create(YoloXPreset.Nano);
        using var b = YoloXModel.Create(YoloXPreset.Nano);
        b.load_state_dict(a.state_dict());
        using var sgdA = YoloXSgd.Create(a, TrainingRecipe.Default);
        using var sgdB = YoloXSgd.Create(b, TrainingRecipe.Default);
        sgdA.SetLearningRate(0.01);
        sgdB.SetLearningRate(0.01);
        SetGrads(a, 1);
        sgdA.Step();
        using (var state = new DisposableDictionary(sgdA.ExportState()))
        {
            b.load_state_dict(a.state_dict());
            sgdB.ImportState(state);
        }
        SetGrads(a, 2);
        SetGrads(b, 2);
        sgdA.Step();
        sgdB.Step();
        var pb = b.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, p) in a.named_parameters())
            Assert.True(p.detach().eq(pb[name].detach()).all().item<bool>(), name);
    }

    [Fact]
    public void Mismatched_state_is_rejected_before_anything_changes()
    {
        using var model = YoloXModel.Create(YoloXPreset.Nano);
        using var sgd = YoloXSgd.Create(model, TrainingRecipe.Default);
        using var unknown = new DisposableDictionary(new() { ["no.such.weight"] = torch.zeros(3) });
        Assert.Throws<TrainingStateException>(() => sgd.ImportState(unknown));
        var name = sgd.Groups[0].ParameterNames[0];
        using var wrongShape = new DisposableDictionary(new() { [name] = torch.zeros(1, 2, 3) });
        Assert.Throws<TrainingStateException>(() => sgd.ImportState(wrongShape));
        Assert.False(sgd.HasMomentum);
    }

    [Fact]
    public void Frozen_parameters_are_left_out_of_the_groups()
    {
        using var model = YoloXModel.Create(YoloXPreset.Nano);
        foreach (var p in model.Neck.parameters())
            p.requires_grad = false;
        using var sgd = YoloXSgd.Create(model, TrainingRecipe.Default);
        Assert.Equal(model.Head.parameters().Count(), sgd.Parameters.Count());
        Assert.All(sgd.Groups.SelectMany(g => g.ParameterNames), n => Assert.StartsWith("head.", n));
    }

    /// <summary>Gradients as a fixed function of the parameters (no global RNG: other test classes run in parallel).</summary>
    private static void SetGrads(nn.Module model, int seed)
    {
        using var noGrad = torch.no_grad();
        foreach (var p in model.parameters())
            p.grad = (p.detach() * (seed + 0.5) + seed).sin();
    }
}
