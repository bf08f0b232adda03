using System.Globalization;
using TorchSharp;
using YoloX.Core;
using YoloX.Testing;
using YoloX.Training.Checkpoints;
using YoloX.Training.Data;
using YoloX.Training.Distributed;
using YoloX.Training.Engine;
using YoloX.Training.Evaluation;

namespace YoloX.Training.MpiHost;

/// <summary>
/// The real trainer (<see cref="YoloXTrainer"/> with <see cref="TrainDataLoader"/>, the recipe optimiser, EMA,
/// multiscale, Mosaic then the no-aug switch, evaluation every epoch) on W ranks, wired as <c>yolox train</c> wires it: 2 short epochs
/// of YOLOX-Nano on 8 BCCD images at 128 px, global batch 4 split over the ranks. Each rank starts from a different
/// random init, so the start-of-training broadcast is exercised. Checks on every rank: training completes with the
/// same iteration count, only rank 0 writes checkpoints (each rank gets its own output folder, so a stray write
/// shows), and the ranks' model and EMA are bit-identical at the end (parameters and buffers).
/// </summary>
internal static class TrainerScenario
{
    private const int Images = 8;
    private const int GlobalBatch = 4;

    public static void Run(IDistributedContext c, RankLog log)
    {
        var output = Path.Combine(Path.GetTempPath(), $"yolox-mpi-trainer-{Guid.NewGuid():N}", $"rank{c.Rank}");
        try
        {
            Train(c, log, output);
        }
        finally
        {
            var root = Path.GetDirectoryName(output)!;
            if (Directory.Exists(root))
                Directory.Delete(root, recursive: true);
        }
    }

    private static void Train(IDistributedContext c, RankLog log, string output)
    {
        var data = Bccd(Images, "trainval");
        var eval = Bccd(4, "test");
        var recipe = TrainingRecipe.ForPreset(YoloXPreset.Nano) with
        {
            MaxEpoch = 2,
            WarmupEpochs = 1,
            NoAugEpochs = 0, // epoch 0 with Mosaic, epoch 1 the no-aug epoch (official switch: epoch + 1 == max - no_aug)
            BatchSize = GlobalBatch,
            InputSize = (128, 128),
            TestSize = (128, 128),
            RandomSize = (3, 5),
            MultiscaleInterval = 1,
            EvalInterval = 1,
            PrintInterval = 1,
            Seed = 7,
        };
        torch.random.manual_seed(100 + c.Rank); // deliberately different inits: the trainer must broadcast rank 0's
        using var model = YoloXModel.Create(YoloXPreset.Nano, data.ClassNames.Count);
        using var loader = new TrainDataLoader(data, RecipeAugmentation.From(recipe), new TrainLoaderOptions
        {
            BatchSize = recipe.BatchSize / c.WorldSize,
            Seed = recipe.Seed,
            Workers = 1,
        }, c);
        var evaluator = new ModelEvaluationRunner(eval, recipe.TestSize.Height);
        var options = new TrainerOptions { OutputDirectory = output, Plots = false, TensorBoard = false };
        var averager = new BucketedGradientAverager(c);
        using var trainer = new YoloXTrainer(model, loader, data.ClassNames, recipe, options, evaluator,
            distributed: c, gradientAverager: averager);
        var result = trainer.Train();

        log.Write($"trainer: {result.Reason} after {result.Progress.Iteration} iterations " +
            $"({loader.BatchesPerEpoch} per epoch at per-rank batch {loader.BatchSize}), last AP {F(result.Progress.LastAp)}, " +
            $"{averager.Statistics.Bytes} gradient bytes averaged in {averager.Statistics.Calls} calls");
        Check.True(result.Reason == TrainingStopReason.Completed, "training completed");
        Check.Equal(2L * loader.BatchesPerEpoch, result.Progress.Iteration, "iterations: 2 epochs");
        Check.Equal((long)c.WorldSize * result.Progress.Iteration, c.SumOverRanks(result.Progress.Iteration),
            "every rank ran the same number of iterations");

        var files = Directory.Exists(output) ? Directory.GetFiles(output).Select(Path.GetFileName).Order().ToList() : [];
        log.Write($"files in this rank's output folder: [{string.Join(", ", files)}]");
        if (c.IsMain)
        {
            Check.True(files.Contains(TrainingCheckpoint.FileName(CheckpointKind.Latest)), "rank 0 wrote latest");
            Check.True(files.Contains(TrainingCheckpoint.FileName(CheckpointKind.LastMosaicEpoch)), "rank 0 wrote last_mosaic_epoch");
        }
        else
            Check.Equal(0, files.Count, "a rank other than 0 writes nothing");

        var modelMismatches = ModelSynchronizer.CountMismatches(model, c, includeBuffers: true);
        var emaMismatches = ModelSynchronizer.CountMismatches(trainer.Optimizer.Ema!, c, includeBuffers: true);
        log.Write($"trainer end: model elements differing from rank 0: {modelMismatches}, EMA: {emaMismatches}");
        Check.Equal(0L, modelMismatches, "model (parameters and BN buffers) bit-identical on every rank");
        Check.Equal(0L, emaMismatches, "EMA model bit-identical on every rank");
    }

    /// <summary>The first <paramref name="count"/> BCCD images of a split with their boxes.</summary>
    private static DetectionDataset Bccd(int count, string split)
    {
        var full = DatasetIO.Read(SharedAssets.Asset("datasets/bccd/BCCD"), DatasetFormat.Voc,
            new DatasetReadOptions { Split = split }).WithoutZeroAreaBoxes(out _);
        var images = full.Images.Take(count).ToList();
        var ids = images.Select(i => i.Id).ToHashSet();
        return new DetectionDataset(full.ClassNames, images, [.. full.Annotations.Where(a => ids.Contains(a.ImageId))],
            full.CategoryIds, full.Format, full.Source);
    }

    private static string F(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
