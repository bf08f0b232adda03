using System.Diagnostics;
using System.Globalization;
using YoloX.Core;
using YoloX.Training.Distributed;
using YoloX.Training.Engine;
using YoloX.Training.Optimization;
using static TorchSharp.torch;

namespace YoloX.Training.MpiHost;

/// <summary>
/// Not a test: measures training throughput for docs/distributed.md on a quiet machine. The same global batch
/// (<see cref="GlobalBatch"/> coco128 images at 416) is split over the ranks; after one warm-up step, <see cref="Steps"/>
/// steps of the trainer's TrainingStep are timed on rank 0 and the averager's bytes and all-reduce time reported.
/// Compare <c>mpirun -n 1</c> with <c>-n 2</c> (set OMP_NUM_THREADS so ranks × threads = cores).
/// </summary>
internal static class ThroughputScenario
{
    private const int GlobalBatch = 8;
    private const int Steps = 5;
    private const int InputSize = 416;

    public static void Run(IDistributedContext c, RankLog log)
    {
        Check.True(GlobalBatch % c.WorldSize == 0, $"the global batch {GlobalBatch} must divide over {c.WorldSize} ranks");
        using var scope = NewDisposeScope();
        var perRank = GlobalBatch / c.WorldSize;
        var data = new Coco128Samples(GlobalBatch, InputSize);
        random.manual_seed(0);
        using var model = YoloXModel.Create(YoloXPreset.Nano);
        ModelSynchronizer.BroadcastState(model, c);
        using var sgd = YoloXSgd.Create(model);
        var averager = new BucketedGradientAverager(c);
        var step = new TrainingStep(model, sgd, options: new TrainingStepOptions { Context = c, GradientAverager = averager });
        var (images, targets) = data.Batch(c.Rank * perRank, perRank);
        step.Run(images, targets, 0.001); // warm-up
        c.Barrier();
        var before = averager.Statistics;
        var watch = Stopwatch.StartNew();
        for (var k = 0; k < Steps; k++)
            step.Run(images, targets, 0.001);
        c.Barrier();
        watch.Stop();
        var after = averager.Statistics;
        var seconds = watch.Elapsed.TotalSeconds;
        var comm = (after.CommunicationTime - before.CommunicationTime).TotalSeconds;
        log.Write(string.Create(CultureInfo.InvariantCulture,
            $"{c.WorldSize} rank(s), global batch {GlobalBatch} at {InputSize}, threads {get_num_threads()}: " +
            $"{Steps * GlobalBatch / seconds:F2} images/s, {seconds / Steps * 1000:F0} ms/step, " +
            $"all-reduce {comm / Steps * 1000:F1} ms/step for {(after.Bytes - before.Bytes) / Math.Max(1, Steps)} bytes"));
    }
}
