using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace YoloX.Core.Tests.Loss;

/// <summary>Runs alone: the model's initialisation draws from libtorch's global generator, which parallel tests also use.</summary>
[CollectionDefinition(nameof(GlobalRandomCollection), DisableParallelization = true)]
public sealed class GlobalRandomCollection;

[Collection(nameof(GlobalRandomCollection))]
public class YoloXLossTrainingTests(ITestOutputHelper output)
{
    // Why 100 steps on one libtorch thread: the run is chaotic (SimOTA re-assigns every step, so float summation
    // order changes which anchors are foreground; golden/train_steps README finds the official trainer chaotic
    // against itself after two iterations). Measured with this seed, mean of 5 steps over initial 12.58: after 50
    // steps 6.73 on 2 threads but 5.85 on 1 (the old 50-step check sat on its own threshold, 6.29); after 100 steps
    // 4.20 on 1 thread, 4.60 on 2, and 2.98 (seed 1) to 4.56 (lr 0.01) for neighbouring settings: all ≤ 0.37 of the
    // start, so halving is a margin, not a coin toss. It can fail: the same run with the batch norms in eval mode
    // (normalising by running statistics) only gets to 0.72 of the start. One thread makes the run the same on any
    // core count.
    private const int Steps = 100;

    // About 35 s on a 2-core machine shared with other busy processes (load ~30); a fraction of that when idle.
    [Fact]
    public void SGD_steps_on_one_fixed_batch_halve_the_total_loss()
    {
        var threads = torch.get_num_threads();
        torch.set_num_threads(1);
        try
        {
            torch.random.manual_seed(0);
            using var model = YoloXModel.Create(YoloXPreset.Nano, numClasses: 4);
            model.train();
            var generator = new torch.Generator(42);
            using var images = torch.rand([2, 3, 160, 160], generator: generator) * 255;
            using var targets = SyntheticHead.Targets(8,
                [[0, 40, 45, 30, 50], [1, 110, 100, 55, 40], [2, 80, 135, 20, 20]],
                [[3, 60, 60, 70, 70], [0, 125, 40, 25, 30]]);
            using var optimizer = torch.optim.SGD(model.parameters(), 0.02, momentum: 0.9, nesterov: true);
            var losses = new List<double>();
            for (var step = 0; step < Steps; step++)
            {
                using var scope = torch.NewDisposeScope();
                optimizer.zero_grad();
                using var terms = model.ComputeLoss(images, targets);
                terms.Total.backward();
                optimizer.step();
                losses.Add(terms.ToValues().Total);
            }
            output.WriteLine(string.Join(", ", losses.Select(l => l.ToString("F3"))));
            // Single steps are noisy (re-assignment): compare the mean of the last five with the first step.
            var last = losses[^5..].Average();
            Assert.True(double.IsFinite(losses[0]) && last <= losses[0] / 2,
                $"loss went from {losses[0]:F3} to {last:F3} (mean of the last 5 steps)");
        }
        finally
        {
            torch.set_num_threads(threads);
        }
    }
}
