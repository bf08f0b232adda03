using YoloX.Training.Data;

namespace YoloX.Training.Tests.Data;

/// <summary>
/// Per-sample statistics of a training stream, computed exactly as benchmarks/YoloX.SideBySide/stream_fixture.py
/// computes the official stream's: boxes per class, plain-path and fallback indicators, padding and pixel statistics
/// for every sample, and per Mosaic sample the mean box width, height and centre.
/// </summary>
internal sealed class TrainStreamStatistics
{
    public const int Classes = 3;

    private readonly Dictionary<string, List<double>> values = [];

    /// <summary>For each sample but the fallback's: its first image's file stem and its (class, w, h) rows.</summary>
    public List<(string Image, float[][] Boxes)> SampleBoxes { get; } = [];

    /// <summary>
    /// The "plain" statistic: the plain path letterboxes a 640×480 BCCD image into 416×416, a quarter padding plus a
    /// stray grey pixel. A Mosaic sample falls in the window now and then, on both sides alike: a statistic, not a flag.
    /// </summary>
    public static bool IsPlain(double pad) => pad >= 0.25 && pad < 0.2505;

    public IReadOnlyList<double> this[string name] => values.TryGetValue(name, out var v) ? v : [];

    public void Add(TrainBatch batch, DetectionDataset dataset)
    {
        for (var i = 0; i < batch.BatchSize; i++)
            AddSample(batch, i, dataset);
    }

    private void AddSample(TrainBatch batch, int i, DetectionDataset dataset)
    {
        var plane = batch.Height * batch.Width;
        var pixels = batch.Images.AsSpan(i * 3 * plane, 3 * plane);
        var pad = PaddingFraction(pixels, plane);
        for (var c = 0; c < 3; c++)
        {
            var (mean, sd) = MeanAndSpread(pixels.Slice(c * plane, plane));
            Record("mean_" + "bgr"[c], mean);
            Record("std_" + "bgr"[c], sd);
        }
        Record("pad", pad);
        var rows = Rows(batch, i);
        for (var c = 0; c < Classes; c++)
            Record($"boxes_{c}", rows.Count(r => (int)r[0] == c));
        var plain = IsPlain(pad);
        var fallback = rows.Count > 0 && rows.All(r => Math.Min(r[3], r[4]) <= 1);
        Record("plain", plain ? 1 : 0);
        Record("fallback", fallback ? 1 : 0);
        if (!fallback)
        {
            var image = Path.GetFileNameWithoutExtension(dataset.Images[batch.SampleIndices[i]].FilePath);
            SampleBoxes.Add((image, [.. rows.Select(r => new[] { r[0], r[3], r[4] })]));
        }
        if (!plain && rows.Count > 0)
        {
            Record("box_w", rows.Average(r => (double)r[3]));
            Record("box_h", rows.Average(r => (double)r[4]));
            Record("box_cx", rows.Average(r => (double)r[1]));
            Record("box_cy", rows.Average(r => (double)r[2]));
        }
    }

    private static List<float[]> Rows(TrainBatch batch, int i)
    {
        var targets = batch.Targets.AsSpan(i * batch.MaxLabels * 5, batch.MaxLabels * 5);
        var rows = new List<float[]>();
        for (var r = 0; r < batch.MaxLabels; r++)
        {
            var row = targets.Slice(r * 5, 5);
            if (row[1] != 0 || row[2] != 0 || row[3] != 0 || row[4] != 0)
                rows.Add(row.ToArray());
        }
        return rows;
    }

    private static double PaddingFraction(ReadOnlySpan<float> pixels, int plane)
    {
        var padded = 0;
        for (var p = 0; p < plane; p++)
        {
            if (pixels[p] == 114 && pixels[plane + p] == 114 && pixels[2 * plane + p] == 114)
                padded++;
        }
        return padded / (double)plane;
    }

    private static (double Mean, double Spread) MeanAndSpread(ReadOnlySpan<float> channel)
    {
        double sum = 0, squares = 0;
        foreach (var v in channel)
        {
            sum += v;
            squares += (double)v * v;
        }
        var mean = sum / channel.Length;
        return (mean, Math.Sqrt(Math.Max(0, squares / channel.Length - mean * mean)));
    }

    private void Record(string name, double value)
    {
        if (!values.TryGetValue(name, out var list))
            values[name] = list = [];
        list.Add(value);
    }
}
