using System.Globalization;
using System.Text.Json;
using Xunit;
using Xunit.Abstractions;
using YoloX.Core;
using YoloX.Testing;
using YoloX.Training.Data;
using YoloX.Training.Engine;

namespace YoloX.Training.Tests.Data;

/// <summary>
/// The composed training stream against the official one. The golden augmentation tests pin every step on injected
/// draws; these pin what they cannot: the stream's distributions as the trainer builds it (the recipe's probabilities
/// and ranges, which images a Mosaic combines, the fallback, the loader's wiring). The expected values are the
/// official stream's (<c>Fixtures/bccd_stream_official.json</c>: 20,000 samples with Mosaic open and 5,000 closed of
/// the official <c>MosaicDetection</c> + <c>TrainTransform</c> on BCCD trainval with the Nano recipe, recorded by
/// benchmarks/YoloX.SideBySide/official_aug_distribution.py and stream_fixture.py). Our stream is seeded, so each
/// statistic's z-score against the official mean is a fixed number: a bound of 4 standard errors passes a faithful
/// stream with near certainty and fails a changed probability, scale range or image choice (a Mosaic probability
/// of 0.6 instead of 0.5 moves the plain-path fraction by 9 standard errors at these sizes).
/// </summary>
public sealed class TrainStreamParityTests(TrainStreamParityTests.Streams streams, ITestOutputHelper output)
    : IClassFixture<TrainStreamParityTests.Streams>
{
    private const double MaxZ = 4;

    [Fact]
    public void The_BCCD_stream_with_Mosaic_open_has_the_official_streams_statistics() =>
        AssertStatistics(streams.Open, streams.Official.RootElement.GetProperty("open"));

    [Fact]
    public void The_BCCD_stream_with_Mosaic_closed_has_the_official_streams_statistics() =>
        AssertStatistics(streams.Closed, streams.Official.RootElement.GetProperty("closed"));

    [Fact]
    public void With_Mosaic_closed_every_sample_carries_the_official_boxes_of_its_image()
    {
        // Closed, every sample takes the plain path (letterbox, HSV, flip): its boxes' sizes are fixed per image.
        var expected = streams.Official.RootElement.GetProperty("plain_boxes");
        var seen = new HashSet<string>();
        foreach (var (image, boxes) in streams.Closed.SampleBoxes)
        {
            Assert.True(expected.TryGetProperty(image, out var official), $"{image}: not in the official plain-path boxes");
            var ours = boxes.OrderBy(b => b[0]).ThenBy(b => b[1]).ThenBy(b => b[2]).ToArray();
            var theirs = official.EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
            Assert.True(ours.Length == theirs.Length, $"{image}: {ours.Length} boxes, official {theirs.Length}");
            for (var k = 0; k < ours.Length; k++)
            {
                for (var j = 0; j < 3; j++)
                {
                    var diff = Math.Abs(ours[k][j] - theirs[k][j]);
                    Assert.True(diff <= 1e-3, $"{image} box {k} value {j}: {ours[k][j]} vs official {theirs[k][j]}");
                }
            }
            seen.Add(image);
        }
        output.WriteLine($"{seen.Count} images checked ({expected.EnumerateObject().Count()} in the fixture)");
        Assert.Equal(292, seen.Count); // 1,000 samples of a 292-image permutation per epoch see every image
    }

    private void AssertStatistics(TrainStreamStatistics ours, JsonElement official)
    {
        var failures = new List<string>();
        foreach (var stat in official.EnumerateObject())
        {
            var (mean, sd, n) = (stat.Value.GetProperty("mean").GetDouble(), stat.Value.GetProperty("sd").GetDouble(), stat.Value.GetProperty("n").GetInt32());
            var values = ours[stat.Name];
            Assert.True(values.Count >= 100, $"{stat.Name}: only {values.Count} samples of ours");
            var ourMean = values.Average();
            var ourSd = Math.Sqrt(values.Sum(v => (v - ourMean) * (v - ourMean)) / (values.Count - 1));
            var se = Math.Sqrt(sd * sd / n + ourSd * ourSd / values.Count);
            var z = se > 0 ? (ourMean - mean) / se : (ourMean == mean ? 0 : double.PositiveInfinity);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{stat.Name,-10} ours {ourMean,10:F4} (n {values.Count})  official {mean,10:F4} (n {n})  z {z,6:F2}"));
            if (!(Math.Abs(z) <= MaxZ))
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{stat.Name}: ours {ourMean:G6}, official {mean:G6}, z {z:F2}"));
        }
        Assert.True(failures.Count == 0, string.Join("; ", failures));
    }

    /// <summary>Our streams, built once: 3,000 samples with Mosaic open and 1,000 closed, as the trainer draws them.</summary>
    public sealed class Streams : IDisposable
    {
        public Streams()
        {
            Official = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "bccd_stream_official.json")));
            var data = DatasetIO.Read(SharedAssets.Asset("datasets/bccd/BCCD"), DatasetFormat.Voc,
                new DatasetReadOptions { Split = "trainval", Lenient = true }).WithoutZeroAreaBoxes(out _);
            Open = Draw(data, samples: 3000, seed: 1, closeMosaic: false);
            Closed = Draw(data, samples: 1000, seed: 2, closeMosaic: true);
        }

        public JsonDocument Official { get; }

        internal TrainStreamStatistics Open { get; }

        internal TrainStreamStatistics Closed { get; }

        public void Dispose() => Official.Dispose();

        private static TrainStreamStatistics Draw(DetectionDataset data, int samples, int seed, bool closeMosaic)
        {
            // The fine-tune's recipe as yolox train builds its loader (batch 8, two workers here).
            var recipe = TrainingRecipe.ForPreset(YoloXPreset.Nano) with { Seed = seed };
            using var loader = new TrainDataLoader(data, RecipeAugmentation.From(recipe),
                new TrainLoaderOptions { BatchSize = 8, Seed = seed, Workers = 2 });
            if (closeMosaic)
                loader.CloseMosaic();
            var statistics = new TrainStreamStatistics();
            var taken = 0;
            for (var epoch = 0; taken < samples; epoch++)
            {
                foreach (var batch in loader.ReadEpoch(epoch))
                {
                    using (batch)
                        statistics.Add(batch, data);
                    taken += batch.BatchSize;
                    if (taken >= samples)
                        break;
                }
            }
            return statistics;
        }
    }
}
