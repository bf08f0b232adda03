using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using TorchSharp;
using YoloX.Core;
using YoloX.Core.Loss;
using static TorchSharp.torch;

namespace YoloX.Benchmarks;

/// <summary>
/// One YOLOX training step on the CPU, like the official timing script (golden README section (e)): zero_grad →
/// forward with the SimOTA loss → backward → SGD (nesterov) step; 8 random ground-truth boxes per image, no L1,
/// 2 libtorch threads. Seconds per step, hence the short monitoring job.
/// </summary>
[MinColumn, MaxColumn, MedianColumn]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 5, invocationCount: 1)]
public class TrainStepBenchmarks
{
    private YoloXModel model = null!;
    private Tensor images = null!;
    private Tensor targets = null!;
    private optim.Optimizer optimizer = null!;
    private Tensor[] levels = [];

    /// <summary>Model, input size and batch.</summary>
    [Params("nano@416 b8", "s@640 b4")]
    public string Case { get; set; } = "nano@416 b8";

    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(2);
        torch.random.manual_seed(0);
        var (preset, size, batch) = Case.StartsWith("nano", StringComparison.Ordinal)
            ? (YoloXPreset.Nano, 416, 8)
            : (YoloXPreset.S, 640, 4);
        model = YoloXModel.Create(preset);
        model.train();
        var generator = new torch.Generator(1);
        images = torch.rand([batch, 3, size, size], generator: generator) * 255;
        targets = RandomTargets(batch, size, generator);
        optimizer = torch.optim.SGD(model.parameters(), 0.01, momentum: 0.9, nesterov: true, weight_decay: 5e-4);
        using (torch.no_grad())
        {
            levels = model.ForwardLevels(images);
        }
        foreach (var level in levels)
        {
            level.requires_grad_(true);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var level in levels)
        {
            level.Dispose();
        }
        optimizer.Dispose();
        images.Dispose();
        targets.Dispose();
        model.Dispose();
    }

    /// <summary>The full step.</summary>
    [Benchmark]
    public double TrainStep()
    {
        using var scope = torch.NewDisposeScope();
        optimizer.zero_grad();
        using var terms = model.ComputeLoss(images, targets);
        terms.Total.backward();
        optimizer.step();
        return terms.ToValues().Total;
    }

    /// <summary>Forward and loss only (the graph is built, then dropped).</summary>
    [Benchmark]
    public double ForwardAndLoss()
    {
        using var scope = torch.NewDisposeScope();
        using var terms = model.ComputeLoss(images, targets);
        return terms.ToValues().Total;
    }

    /// <summary>The train-mode forward alone (no loss), to separate the network from SimOTA and the loss.</summary>
    [Benchmark]
    public long ForwardOnly()
    {
        using var scope = torch.NewDisposeScope();
        return model.ForwardLevels(images).Sum(l => l.shape[2]);
    }

    /// <summary>SimOTA and the loss alone, on fixed head outputs (no network).</summary>
    [Benchmark]
    public double LossOnly()
    {
        using var scope = torch.NewDisposeScope();
        using var terms = new YoloXLoss(model.NumClasses, model.Config.Strides).Compute(levels, targets);
        return terms.ToValues().Total;
    }

    /// <summary>Like the official timing: 8 boxes per image, centre anywhere, sides 16 px to a third of the image.</summary>
    private static Tensor RandomTargets(int batch, int size, torch.Generator generator)
    {
        using var scope = torch.NewDisposeScope();
        var cls = torch.randint(0, 80, [batch, 8, 1], generator: generator).to(ScalarType.Float32);
        var wh = torch.rand([batch, 8, 2], generator: generator) * (size / 3.0 - 16) + 16;
        var centre = wh / 2 + torch.rand([batch, 8, 2], generator: generator) * (size - wh);
        return torch.cat([cls, centre, wh], 2).MoveToOuterDisposeScope();
    }
}
