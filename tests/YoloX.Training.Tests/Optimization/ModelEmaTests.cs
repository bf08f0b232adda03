using TorchSharp;
using Xunit;
using YoloX.Core;
using YoloX.Core.Weights;
using YoloX.Training.Optimization;
using static TorchSharp.torch;

namespace YoloX.Training.Tests.Optimization;

/// <summary>ModelEma semantics of the official ModelEMA (the golden run's values are checked in TrainStepsGoldenTests).</summary>
public sealed class ModelEmaTests
{
    [Fact]
    public void Decay_ramps_as_the_official_formula()
    {
        using var model = YoloXModel.Create(YoloXPreset.Nano);
        using var ema = new ModelEma(model);
        Assert.Equal(0.9998 * (1 - Math.Exp(-1 / 2000.0)), ema.DecayAt(1));
        Assert.Equal(0.9998 * (1 - Math.Exp(-5.0)), ema.DecayAt(10_000));
    }

    [Fact]
    public void Update_averages_floats_and_leaves_num_batches_tracked_alone()
    {
        using var model = YoloXModel.Create(YoloXPreset.Nano);
        using var ema = new ModelEma(model, decay: 0.5, ramp: 1e-9); // d = 0.5 from the first update
        using (torch.no_grad())
        {
            foreach (var (name, t) in StateDict.Ordered(model))
            {
                if (t.is_floating_point())
                    t.add_(2.0);
                else
                    t.add_(7);
            }
        }
        using var before = new DisposableDictionary(ema.ExportState());
        var d = ema.Update(model);
        Assert.Equal(0.5, d);
        Assert.Equal(1, ema.Updates);
        using var after = new DisposableDictionary(ema.ExportState());
        foreach (var (name, t) in before)
        {
            if (t.is_floating_point())
                Assert.True((after[name] - (t + 1.0)).abs().max().item<float>() < 1e-5, name); // e/2 + (e + 2)/2
            else
                Assert.Equal(t.item<long>(), after[name].item<long>());
        }
        Assert.False(ema.Model.training);
        Assert.All(ema.Model.parameters(), p => Assert.False(p.requires_grad));
    }

    [Fact]
    public void State_round_trips_and_a_wrong_state_is_rejected()
    {
        using var model = YoloXModel.Create(YoloXPreset.Nano);
        using var ema = new ModelEma(model);
        using var state = new DisposableDictionary(ema.ExportState());
        ema.ImportState(state, 42);
        Assert.Equal(42, ema.Updates);
        using var bad = new DisposableDictionary(new() { ["x"] = torch.zeros(1) });
        Assert.Throws<TrainingStateException>(() => ema.ImportState(bad, 1));
    }
}
