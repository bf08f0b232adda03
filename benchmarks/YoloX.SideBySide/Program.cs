using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using YoloX.Core;
using YoloX.Training.Augmentation;
using YoloX.Training.Data;
using YoloX.Training.Engine;
using YoloX.Training.Optimization;
using static TorchSharp.torch;

// Lockstep worker, our side of ../shared/reference/scripts/lockstep.py (the official side is pyworker.py):
//   eval nano|tiny|s fused(0|1) warmup   -- batch-1 eval forward, decoded output, no_grad, NCHW input 0..255
//   aug CONFIG ramcache(0|1) COCO_DIR warmup -- one training sample of the augmentation pipeline on one core
//                                           (CONFIG as data_aug_timing.py: nano_exp, default_exp_416, no_aug), on
//                                           the official script's own synthetic COCO folder (the same JPEGs)
//   phases nano|s STEPS [VOC_ROOT]       -- one training step split into its phases (StepPhases.cs)
//   loaderphase VOC_ROOT BATCHES         -- one BCCD-style Mosaic batch of 8 built on one thread (StepPhases.cs)
//   stages COCO_DIR rounds               -- per-stage profile of the no-cache sample path (StageProfile.cs)
//   distr BCCD N SEED PREFIX [noaug]     -- N samples of the BCCD fine-tune's data stream as CSV rows, for
//                                           compare_aug_distribution.py against official_aug_distribution.py
//   train nano|s warmup                  -- one training step as the trainer runs it (TrainingStep: zero_grad,
//                                           forward + SimOTA loss, backward, SGD with the official three groups);
//                                           the EMA update follows, untimed, as in pyworker.py; glibc malloc tuned
//                                           as the trainer tunes it (SBS_NO_ALLOCATOR_TUNING=1: untuned)
// Prints "ready" after set-up and warm-up; then each "run K W" line gets W untimed and K timed steps (ms).
torch.set_num_threads(2);
var kind = args[0];
var scale = args[1];
if (kind == "stages")
{
    StageProfile.Run(args[1], int.Parse(args[2], CultureInfo.InvariantCulture));
    return;
}
if (kind == "phases")
{
    StepPhases.Run(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), args.Length > 3 ? args[3] : null);
    return;
}
if (kind == "loaderphase")
{
    LoaderPhase.Run(args[1], int.Parse(args[2], CultureInfo.InvariantCulture));
    return;
}
if (kind == "decodecheck")
{
    DecodeCheck.Run(args[1]);
    return;
}
if (kind == "distr")
{
    AugmentDistribution.Run(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture),
        args[4], args.Length > 5 && args[5] == "noaug");
    return;
}
if (kind == "multiscale")
{
    MultiscaleProfile.Run(int.Parse(args[1], CultureInfo.InvariantCulture), int.Parse(args[2], CultureInfo.InvariantCulture));
    return;
}
if (kind == "aug")
{
    RunLoop(AugmentationCase(args), int.Parse(args[4], CultureInfo.InvariantCulture));
    return;
}
var preset = scale switch { "nano" => YoloXPreset.Nano, "tiny" => YoloXPreset.Tiny, _ => YoloXPreset.S };
torch.manual_seed(0);
var model = YoloXModel.Create(preset);
Func<double> step;
int warmup;
if (kind == "eval")
{
    warmup = int.Parse(args[3], CultureInfo.InvariantCulture);
    var size = scale == "s" ? 640 : 416;
    model.eval();
    if (args[2] == "1")
        model.Fuse();
    var input = torch.rand([1, 3, size, size], generator: new torch.Generator(1)) * 255;
    step = () =>
    {
        var watch = Stopwatch.StartNew();
        using (torch.NewDisposeScope())
        using (torch.no_grad())
            model.call(input);
        return watch.Elapsed.TotalMilliseconds;
    };
}
else
{
    warmup = int.Parse(args[2], CultureInfo.InvariantCulture);
    var (size, batch) = scale == "nano" ? (416, 8) : (640, 4);
    model.train();
    // As YoloXTrainer does at start (TrainerOptions.TuneNativeAllocator); SBS_NO_ALLOCATOR_TUNING=1 leaves glibc as it is.
    if (Environment.GetEnvironmentVariable("SBS_NO_ALLOCATOR_TUNING") != "1")
    {
        Console.Error.WriteLine(NativeAllocatorTuning.EnsureApplied());
    }
    var optimizer = YoloXSgd.Create(model);
    var ema = new ModelEma(model, 0.9998);
    var trainingStep = new TrainingStep(model, optimizer);
    var images = torch.rand([batch, 3, size, size], generator: new torch.Generator(1)) * 255;
    var targets = SyntheticTargets.Create(batch, size, seed: 0);
    var lr = 0.01 / 64 * batch;
    step = () =>
    {
        var watch = Stopwatch.StartNew();
        trainingStep.Run(images, targets, lr);
        var ms = watch.Elapsed.TotalMilliseconds;
        ema.Update(model);
        return ms;
    };
}

RunLoop(step, warmup);

static void RunLoop(Func<double> step, int warmup)
{
    for (var i = 0; i < warmup; i++)
        step();
    Console.WriteLine("ready");
    while (Console.ReadLine() is { } line)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || parts[0] != "run")
            break;
        var (k, w) = parts.Length == 3
            ? (int.Parse(parts[1], CultureInfo.InvariantCulture), int.Parse(parts[2], CultureInfo.InvariantCulture))
            : (1, 0);
        for (var i = 0; i < w; i++)
            step();
        var times = Enumerable.Range(0, k).Select(_ => step().ToString("F3", CultureInfo.InvariantCulture)).ToArray();
        Console.WriteLine(string.Join(' ', times));
    }
}

static Func<double> AugmentationCase(string[] args)
{
    var config = args[1];
    var root = args[3];
    var dataset = DatasetIO.Read(Path.Combine(root, "annotations", "instances_train2017.json"), DatasetFormat.Coco,
        new DatasetReadOptions { ImagesDirectory = Path.Combine(root, "train2017") });
    var options = config == "default_exp_416" ? AugmentationOptions.Default with { InputSize = (416, 416) } : AugmentationOptions.Nano;
    // One sample exactly as the trainer's loader builds it (pipeline, float CHW copy into the batch, the loader's
    // reuse of memory), like the official MosaicDetection[(mosaic, idx)], whose preproc also ends in float32 CHW.
    var loader = new TrainDataLoader(dataset, options, new TrainLoaderOptions { BatchSize = 1, Workers = 0, CacheImages = args[2] == "1" });
    if (config == "no_aug")
        loader.CloseMosaic();
    var perEpoch = loader.BatchesPerEpoch;
    if (args[2] == "1")
        for (var b = 0; b < perEpoch; b++)
            loader.BuildBatch(0, b).Dispose();
    var call = 0;
    return () =>
    {
        var (epoch, batch) = Math.DivRem(call++, perEpoch);
        var watch = Stopwatch.StartNew();
        loader.BuildBatch(epoch + 1, batch).Dispose();
        return watch.Elapsed.TotalMilliseconds;
    };
}
