using TorchSharp;
using YoloX.Core;
using YoloX.Core.Weights;
using YoloX.Testing;
using YoloX.Training.Data;
using YoloX.Training.Engine;

namespace YoloX.Training.Tests.Engine;

/// <summary>Small real training set-ups: BCCD images (VOC, 3 classes), YOLOX-Nano, tiny inputs.</summary>
internal static class TrainingFixtures
{
    public static string BccdRoot => SharedAssets.Asset("datasets/bccd/BCCD");

    /// <summary>The first <paramref name="count"/> images of BCCD trainval with their boxes.</summary>
    public static DetectionDataset Bccd(int count, string split = "trainval")
    {
        var full = DatasetIO.Read(BccdRoot, DatasetFormat.Voc, new DatasetReadOptions { Split = split }).WithoutZeroAreaBoxes(out _);
        var images = full.Images.Take(count).ToList();
        var ids = images.Select(i => i.Id).ToHashSet();
        return new DetectionDataset(full.ClassNames, images, [.. full.Annotations.Where(a => ids.Contains(a.ImageId))],
            full.CategoryIds, full.Format, full.Source);
    }

    /// <summary>A Nano with the official random init.</summary>
    public static YoloXModel Nano(int classes) => YoloXModel.Create(YoloXPreset.Nano, classes);

    /// <summary>A Nano holding a copy of <paramref name="source"/>'s weights (tests run in parallel, so the global
    /// torch RNG cannot make two inits equal).</summary>
    public static YoloXModel CopyOf(YoloXModel source)
    {
        var copy = YoloXModel.Create(source.Config);
        StateDict.Load(copy, StateDict.Ordered(source).ToDictionary(kv => kv.Key, kv => kv.Value));
        return copy;
    }

    /// <summary>
    /// The official Nano recipe shrunk: 3 epochs of 2 iterations at 128 px (Mosaic p 0.5, HSV, flip, affine on),
    /// warm-up 1 epoch, no-aug (L1) from epoch 2, multiscale 96–160 redrawn every 2 iterations.
    /// </summary>
    public static TrainingRecipe TinyRecipe => TrainingRecipe.ForPreset(YoloXPreset.Nano) with
    {
        MaxEpoch = 3,
        WarmupEpochs = 1,
        NoAugEpochs = 1,
        BatchSize = 2,
        BasicLrPerImg = 0.01 / 8,
        InputSize = (128, 128),
        TestSize = (128, 128),
        RandomSize = (3, 5),
        MultiscaleInterval = 2,
        EvalInterval = 100,
        PrintInterval = 1,
        Seed = 7,
    };

    public static TrainerOptions Options(string output) => new() { OutputDirectory = output, Plots = false, TensorBoard = false };

    /// <summary>The augmenting loader of <paramref name="recipe"/> over <paramref name="data"/>.</summary>
    public static TrainDataLoader Loader(DetectionDataset data, TrainingRecipe recipe) =>
        new(data, RecipeAugmentation.From(recipe), new TrainLoaderOptions { BatchSize = recipe.BatchSize, Seed = recipe.Seed, Workers = 1 });
}

/// <summary>A scratch folder deleted at the end of a test.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "yolox-train-tests-" + Guid.NewGuid().ToString("N")));

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}

/// <summary>Records every iteration; can cancel after a given iteration.</summary>
internal sealed class Recorder(long cancelAfter = -1) : ITrainingCallback
{
    public CancellationTokenSource Cancel { get; } = new();

    public List<IterationInfo> Iterations { get; } = [];

    public List<string> Messages { get; } = [];

    public List<CheckpointSavedInfo> Saved { get; } = [];

    public void OnIterationEnd(IterationInfo info)
    {
        Iterations.Add(info);
        if (info.Iteration == cancelAfter)
        {
            Cancel.Cancel();
        }
    }

    public void OnMessage(string message) => Messages.Add(message);

    public void OnCheckpointSaved(CheckpointSavedInfo info) => Saved.Add(info);
}
