using System.Globalization;
using System.Text;
using YoloX.Core;
using YoloX.Training;
using YoloX.Training.Data;
using YoloX.Training.Engine;

/// <summary>
/// Our side of official_aug_distribution.py: many training samples of the BCCD fine-tune's data stream (the Nano
/// recipe as the trainer builds it, BCCD trainval read as <c>yolox train</c> reads it), written as per-sample and
/// per-box rows so the two streams' distributions can be compared. The injected-draw fixtures pin each step; this
/// checks the composition and the draws' distributions (ranges, probabilities, which images are combined).
/// </summary>
internal static class AugmentDistribution
{
    public static void Run(string bccd, int samples, int seed, string outPrefix, bool noAug)
    {
        var data = DatasetIO.Read(bccd, DatasetFormat.Voc, new DatasetReadOptions { Split = "trainval", Lenient = true })
            .WithoutZeroAreaBoxes(out _);
        var recipe = TrainingRecipe.ForPreset(YoloXPreset.Nano) with { Seed = seed };
        using var loader = new TrainDataLoader(data, RecipeAugmentation.From(recipe), new TrainLoaderOptions
        {
            BatchSize = 1, Workers = 0, Seed = seed,
        });
        if (noAug)
            loader.CloseMosaic();
        var perEpoch = loader.BatchesPerEpoch;
        var images = new StringBuilder("sample,index,n_boxes,mean_b,mean_g,mean_r,std_b,std_g,std_r,pad114\n");
        var boxes = new StringBuilder("sample,cls,cx,cy,w,h\n");
        for (var s = 0; s < samples; s++)
        {
            var (epoch, b) = Math.DivRem(s, perEpoch);
            using var batch = loader.BuildBatch(epoch, b);
            Summarise(s, batch, images, boxes);
        }
        File.WriteAllText(outPrefix + "_images.csv", images.ToString());
        File.WriteAllText(outPrefix + "_boxes.csv", boxes.ToString());
    }

    private static void Summarise(int s, TrainBatch batch, StringBuilder images, StringBuilder boxes)
    {
        var plane = batch.Height * batch.Width;
        var pixels = batch.Images;
        var stats = new double[6];
        long pad = 0;
        for (var c = 0; c < 3; c++)
        {
            double sum = 0, sq = 0;
            for (var i = 0; i < plane; i++)
            {
                double v = pixels[c * plane + i];
                sum += v;
                sq += v * v;
            }
            stats[c] = sum / plane;
            stats[3 + c] = Math.Sqrt(Math.Max(0, sq / plane - stats[c] * stats[c]));
        }
        for (var i = 0; i < plane; i++)
            if (pixels[i] == 114 && pixels[plane + i] == 114 && pixels[2 * plane + i] == 114)
                pad++;
        var t = batch.Targets;
        var n = 0;
        for (var r = 0; r < batch.MaxLabels; r++)
        {
            var row = t.AsSpan(r * 5, 5);
            if (row[1] == 0 && row[2] == 0 && row[3] == 0 && row[4] == 0)
                continue;
            n++;
            boxes.AppendLine(string.Join(',', new[] { s.ToString(CultureInfo.InvariantCulture) }
                .Concat(row.ToArray().Select(v => v.ToString("R", CultureInfo.InvariantCulture)))));
        }
        images.AppendLine(string.Join(',', new[] { s, batch.SampleIndices[0], n }.Select(v => v.ToString(CultureInfo.InvariantCulture))
            .Concat(stats.Select(v => v.ToString("F4", CultureInfo.InvariantCulture)))
            .Append(((double)pad / plane).ToString("F5", CultureInfo.InvariantCulture))));
    }
}
