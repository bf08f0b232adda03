using System.Diagnostics;
using System.Globalization;

/// <summary>
/// "loaderphase VOC_ROOT BATCHES": the CPU time of building one BCCD fine-tune batch (Nano recipe at 416, batch 8,
/// Mosaic on) on the calling thread, the work the loader's workers add beside each training step.
/// </summary>
internal static class LoaderPhase
{
    public static void Run(string root, int batches)
    {
        var loader = CreateLoader(root, 8);
        var times = new List<double>();
        for (var b = 0; b < batches + 3; b++)
        {
            var watch = Stopwatch.StartNew();
            loader.BuildBatch(1, b % loader.BatchesPerEpoch).Dispose();
            if (b >= 3)
                times.Add(watch.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"batch of 8: median {times[times.Count / 2]:F1} ms, min {times[0]:F1} ms"));
    }

    /// <summary>The fine-tune's data stream on the calling thread: VOC trainval, the Nano recipe's augmentations.</summary>
    public static YoloX.Training.Data.TrainDataLoader CreateLoader(string root, int batch)
    {
        var dataset = YoloX.Training.Data.DatasetIO.Read(root, YoloX.Training.Data.DatasetFormat.Voc,
            new YoloX.Training.Data.DatasetReadOptions { Split = "trainval" });
        return new YoloX.Training.Data.TrainDataLoader(dataset, YoloX.Training.Augmentation.AugmentationOptions.Nano,
            new YoloX.Training.Data.TrainLoaderOptions { BatchSize = batch, Workers = 0 });
    }
}
