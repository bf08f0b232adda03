using TorchSharp;
using Xunit;
using YoloX.Core;
using YoloX.Training.Distributed;
using YoloX.Training.Engine;
using YoloX.Training.Optimization;
using YoloX.Training.Tests.Optimization;
using static TorchSharp.torch;

namespace YoloX.Training.Tests.Engine;

/// <summary>
/// TrainingStep's rank protocol, seen from rank 0 of a two-rank job whose peer is played by a scripted context (the
/// real MPI context is tested under mpirun in the MPI work): the skip decision is all-reduced, gradients go through
/// the averager before the SGD step.
/// </summary>
public sealed class TrainingStepRankTests
{
    [Fact]
    public void A_non_finite_loss_on_the_peer_rank_skips_the_step_here_too()
    {
        using var model = YoloXModel.Create(YoloXPreset.Nano);
        using var sgd = YoloXSgd.Create(model, TrainingRecipe.Default);
        var context = new ScriptedPeerContext(peerNonFinite: 1);
        var averager = new RecordingAverager();
        var step = new TrainingStep(model, sgd, options: new TrainingStepOptions { Context = context, GradientAverager = averager });
        var (images, targets) = Batch();
        using (images)
        using (targets)
        {
            var result = step.Run(images, targets, 0.01);
            Assert.True(result.Loss.IsFinite);
            Assert.True(result.Skipped);
        }
        Assert.Equal(1, context.Reductions);
        Assert.Equal(0, averager.Calls);
        Assert.False(sgd.HasMomentum);
    }

    [Fact]
    public void Gradients_are_averaged_across_ranks_before_the_update()
    {
        using var model = YoloXModel.Create(YoloXPreset.Nano);
        using var sgd = YoloXSgd.Create(model, TrainingRecipe.Default);
        var context = new ScriptedPeerContext(peerNonFinite: 0);
        var averager = new RecordingAverager();
        var step = new TrainingStep(model, sgd, options: new TrainingStepOptions { Context = context, GradientAverager = averager });
        var (images, targets) = Batch();
        using (images)
        using (targets)
            Assert.False(step.Run(images, targets, 0.01).Skipped);
        Assert.Equal(1, averager.Calls);
        Assert.Equal(sgd.Parameters.Count(), averager.LastCount);
        // The averager zeroed the gradients (a stand-in peer with opposite gradients), so the momentum of the
        // undecayed groups (pg0, pg2) is exactly zero: the step used the averaged gradients.
        using var state = new DisposableDictionary(sgd.ExportState());
        foreach (var name in sgd.Groups[0].ParameterNames.Concat(sgd.Groups[2].ParameterNames))
            Assert.Equal(0f, state[name].abs().max().item<float>());
    }

    [Fact]
    public void More_than_one_rank_requires_an_averager()
    {
        using var model = YoloXModel.Create(YoloXPreset.Nano);
        using var sgd = YoloXSgd.Create(model, TrainingRecipe.Default);
        Assert.Throws<ArgumentException>(() =>
            new TrainingStep(model, sgd, options: new TrainingStepOptions { Context = new ScriptedPeerContext(0) }));
    }

    private static (Tensor Images, Tensor Targets) Batch() =>
        (torch.rand(1, 3, 64, 64) * 255, torch.tensor(new float[] { 0, 32, 32, 20, 20 }, [1, 1, 5]));

    /// <summary>Rank 0 of 2; the peer's contribution to every long all-reduce is <c>peerNonFinite</c>.</summary>
    private sealed class ScriptedPeerContext(long peerNonFinite) : IDistributedContext
    {
        public int Reductions { get; private set; }
        public int Rank => 0;
        public int WorldSize => 2;
        public int LocalRank => 0;
        public int LocalSize => 2;
        public bool IsMain => true;
        public void AllReduceSum(Span<float> buffer) => throw new NotSupportedException();
        public void AllReduceSum(Span<double> buffer) => throw new NotSupportedException();

        public void AllReduceSum(Span<long> buffer)
        {
            Reductions++;
            for (var i = 0; i < buffer.Length; i++)
                buffer[i] += peerNonFinite;
        }

        public void Broadcast(Span<float> buffer, int root = 0) { }
        public void Broadcast(Span<double> buffer, int root = 0) { }
        public void Broadcast(Span<long> buffer, int root = 0) { }
        public void Broadcast(Span<byte> buffer, int root = 0) { }
        public void Barrier() { }
        public void Dispose() { }
    }

    /// <summary>Averages with a peer whose gradients are the negation of ours: the mean is zero.</summary>
    private sealed class RecordingAverager : IGradientAverager
    {
        public int Calls { get; private set; }
        public int LastCount { get; private set; }

        public void Average(IReadOnlyList<Tensor> gradients)
        {
            Calls++;
            LastCount = gradients.Count;
            using var noGrad = torch.no_grad();
            foreach (var g in gradients)
                g.zero_();
        }
    }
}
