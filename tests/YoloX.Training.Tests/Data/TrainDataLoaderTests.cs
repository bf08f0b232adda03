using Xunit;
using YoloX.Testing;
using YoloX.Training.Augmentation;
using YoloX.Training.Data;

namespace YoloX.Training.Tests.Data;

public sealed class TrainDataLoaderTests
{
    private static readonly AugmentationOptions Small = AugmentationOptions.Default with { InputSize = (128, 128) };

    private static DetectionDataset Coco128(int take = 12)
    {
        var full = DatasetIO.Read(SharedAssets.Asset("datasets/coco128"), DatasetFormat.Coco);
        return Subset(full, take);
    }

    private static DetectionDataset Subset(DetectionDataset full, int take)
    {
        var images = full.Images.Take(take).ToArray();
        var ids = images.Select(i => i.Id).ToHashSet();
        return new DetectionDataset(full.ClassNames, images, [.. full.Annotations.Where(a => ids.Contains(a.ImageId))],
            full.CategoryIds, full.Format, full.Source);
    }

    private static List<TrainBatch> ReadAll(TrainDataLoader loader, int epoch, int start = 0) =>
        [.. loader.ReadEpoch(epoch, start)];

    private static void AssertSame(TrainBatch expected, TrainBatch actual)
    {
        Assert.Equal(expected.SampleIndices, actual.SampleIndices);
        Assert.True(expected.Images.AsSpan().SequenceEqual(actual.Images), "images differ");
        Assert.True(expected.Targets.AsSpan().SequenceEqual(actual.Targets), "targets differ");
    }

    [Fact]
    public void Same_seed_gives_identical_batches_whatever_the_worker_count_and_cache()
    {
        var dataset = Coco128();
        List<TrainBatch>? reference = null;
        foreach (var (workers, cache) in new[] { (0, false), (1, false), (3, true) })
        {
            using var loader = new TrainDataLoader(dataset, Small, new TrainLoaderOptions
            {
                BatchSize = 4, Seed = 7, Workers = workers, PrefetchBatches = 2, CacheImages = cache,
            });
            var batches = ReadAll(loader, epoch: 1);
            Assert.Equal(3, batches.Count);
            if (reference is null)
            {
                reference = batches;
                continue;
            }
            for (var b = 0; b < batches.Count; b++)
                AssertSame(reference[b], batches[b]);
        }
    }

    [Fact]
    public void Epochs_and_seeds_change_the_stream()
    {
        var dataset = Coco128(8);
        using var a = new TrainDataLoader(dataset, Small, new TrainLoaderOptions { BatchSize = 4, Seed = 1, Workers = 0 });
        using var b = new TrainDataLoader(dataset, Small, new TrainLoaderOptions { BatchSize = 4, Seed = 2, Workers = 0 });
        var e0 = a.BuildBatch(0, 0);
        Assert.False(e0.Images.AsSpan().SequenceEqual(a.BuildBatch(1, 0).Images));
        Assert.False(e0.Images.AsSpan().SequenceEqual(b.BuildBatch(0, 0).Images));
        AssertSame(e0, a.BuildBatch(0, 0));
    }

    [Fact]
    public void Start_batch_skip_equals_the_tail_of_a_full_epoch()
    {
        var dataset = Coco128();
        using var loader = new TrainDataLoader(dataset, Small, new TrainLoaderOptions { BatchSize = 3, Seed = 3, Workers = 2 });
        var full = ReadAll(loader, epoch: 2);
        var tail = ReadAll(loader, epoch: 2, start: 2);
        Assert.Equal(full.Count - 2, tail.Count);
        for (var i = 0; i < tail.Count; i++)
            AssertSame(full[i + 2], tail[i]);
        Assert.Empty(ReadAll(loader, epoch: 2, start: loader.BatchesPerEpoch));
    }

    [Fact]
    public void Rank_shards_are_disjoint_cover_the_epoch_and_keep_each_samples_stream()
    {
        var dataset = Coco128(16);
        var options = new TrainLoaderOptions { BatchSize = 2, Seed = 5, Workers = 1 };
        using var single = new TrainDataLoader(dataset, Small, options with { BatchSize = 2 });
        var seen = new List<int>();
        for (var rank = 0; rank < 4; rank++)
        {
            using var loader = new TrainDataLoader(dataset, Small, options, new TestRankContext(rank, 4));
            Assert.Equal(2, loader.BatchesPerEpoch);
            var batches = ReadAll(loader, epoch: 0);
            seen.AddRange(batches.SelectMany(b => b.SampleIndices));
            // Global batch g holds ranks 0..3 side by side: rank r's batch g is the single-process batch 4g + r,
            // pixel for pixel, because a sample's draws depend on its global position only.
            for (var g = 0; g < batches.Count; g++)
                AssertSame(single.BuildBatch(0, 4 * g + rank), batches[g]);
        }
        Assert.Equal(Enumerable.Range(0, 16), seen.Order());
    }

    [Fact]
    public void Sampler_pads_the_last_global_batch_by_wrapping_or_drops_it()
    {
        var padded = new ShardedSampler(10, 4, seed: 0, rank: 1, worldSize: 2);
        Assert.Equal(2, padded.BatchesPerEpoch);
        Assert.Equal(12, padded.FirstPosition(1));
        var dropped = new ShardedSampler(10, 4, seed: 0, rank: 1, worldSize: 2, dropLast: true);
        Assert.Equal(1, dropped.BatchesPerEpoch);
        Assert.Equal(padded.Permutation(3), dropped.Permutation(3));
        Assert.NotEqual(padded.Permutation(3), padded.Permutation(4));
        Assert.Equal(Enumerable.Range(0, 10), padded.Permutation(3).Order());
        Assert.Throws<ArgumentException>(() => new ShardedSampler(3, 4, 0, dropLast: true));
    }

    [Fact]
    public void Read_ahead_never_holds_more_than_the_prefetch_depth()
    {
        var dataset = Coco128(16);
        using var loader = new TrainDataLoader(dataset, Small, new TrainLoaderOptions
        {
            BatchSize = 2, Seed = 1, Workers = 3, PrefetchBatches = 2, CacheImages = true,
        });
        var count = 0;
        foreach (var batch in loader.ReadEpoch(0))
        {
            Thread.Sleep(40); // a slow trainer: the workers would run ahead if they were not bounded
            count++;
        }
        Assert.Equal(8, count);
        Assert.InRange(loader.PeakBatchesInFlight, 1, 2);
    }

    [Fact]
    public void Breaking_off_or_cancelling_an_epoch_stops_the_workers()
    {
        var dataset = Coco128(16);
        using var loader = new TrainDataLoader(dataset, Small, new TrainLoaderOptions { BatchSize = 2, Workers = 2 });
        Assert.Single(loader.ReadEpoch(0).Take(1));
        using var cts = new CancellationTokenSource();
        var read = 0;
        Assert.ThrowsAny<OperationCanceledException>(() =>
        {
            foreach (var _ in loader.ReadEpoch(0, 0, cts.Token))
            {
                if (++read == 2)
                    cts.Cancel();
            }
        });
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void A_missing_image_file_fails_with_a_typed_error_naming_it(int workers)
    {
        var dataset = Coco128(4);
        var broken = new DetectionDataset(dataset.ClassNames,
            [.. dataset.Images.Select((im, i) => i == 2 ? im with { FilePath = im.FilePath + ".missing" } : im)],
            dataset.Annotations, dataset.CategoryIds);
        using var loader = new TrainDataLoader(broken, Small with { MosaicProb = 0 }, new TrainLoaderOptions { BatchSize = 4, Workers = workers });
        var e = Assert.Throws<FileNotFoundException>(() => loader.ReadEpoch(0).ToList());
        Assert.Contains(".missing", e.Message);
    }

    [Fact]
    public void Close_mosaic_gives_plain_letterboxed_samples()
    {
        var dataset = Coco128(8);
        using var loader = new TrainDataLoader(dataset, Small, new TrainLoaderOptions { BatchSize = 4, Workers = 0, Seed = 9 });
        Assert.True(loader.MosaicEnabled);
        var withMosaic = loader.BuildBatch(0, 0);
        loader.CloseMosaic();
        Assert.False(loader.MosaicEnabled);
        var plain = loader.BuildBatch(0, 0);
        Assert.False(withMosaic.Images.AsSpan().SequenceEqual(plain.Images));
        for (var i = 0; i < plain.BatchSize; i++)
        {
            // Plain path: the image is resized into the top-left corner; everything right of / below it is pad 114.
            var image = dataset.Images[plain.SampleIndices[i]];
            var r = Math.Min(128.0 / image.Height, 128.0 / image.Width);
            var (w, h) = ((int)(image.Width * r), (int)(image.Height * r));
            var plane = 128 * 128;
            for (var c = 0; c < 3; c++)
                for (var y = 0; y < 128; y++)
                    for (var x = 0; x < 128; x++)
                        if (x >= w || y >= h)
                            Assert.Equal(114f, plain.Images[i * 3 * plane + c * plane + y * 128 + x]);
        }
    }

    [Theory]
    [InlineData(DatasetFormat.Coco, "datasets/coco128")]
    [InlineData(DatasetFormat.Yolo, "datasets/coco128")]
    [InlineData(DatasetFormat.Voc, "datasets/bccd")]
    public void Every_dataset_format_trains_with_mosaic_probability_below_one(DatasetFormat format, string path)
    {
        var dataset = Subset(DatasetIO.Read(SharedAssets.Asset(path), format), 10);
        // The official code crashes on VOC with mosaic_prob < 1 (YOLOX #569, #771, #1059, #1749); ours must not.
        var options = AugmentationOptions.Nano with { InputSize = (160, 160), MosaicProb = 0.5, EnableMixup = true };
        using var loader = new TrainDataLoader(dataset, options, new TrainLoaderOptions { BatchSize = 5, Workers = 2, Seed = 11 });
        var boxes = 0;
        foreach (var batch in loader.ReadEpoch(0))
        {
            Assert.Equal(120, batch.MaxLabels);
            Assert.All(batch.Images, v => Assert.InRange(v, 0f, 255f));
            for (var row = 0; row < batch.BatchSize * batch.MaxLabels; row++)
            {
                var t = batch.Targets.AsSpan(row * 5, 5);
                if (t[3] == 0 && t[4] == 0)
                    continue;
                boxes++;
                Assert.InRange((int)t[0], 0, dataset.ClassNames.Count - 1);
                Assert.Equal(MathF.Round(t[0]), t[0]);
                Assert.True(t[3] > 1 && t[4] > 1, "TrainTransform keeps boxes over 1 px only");
                Assert.InRange(t[1], 0f, 160f);
                Assert.InRange(t[2], 0f, 160f);
            }
        }
        Assert.True(boxes > 0);
    }

    [Fact]
    public void A_user_augmentation_runs_before_TrainTransform_with_the_samples_stream()
    {
        var dataset = Coco128(4);
        var step = new Blackout();
        using var loader = new TrainDataLoader(dataset, Small with { HsvProb = 0 }, new TrainLoaderOptions { BatchSize = 4, Workers = 0 }, null, [step]);
        var batch = loader.BuildBatch(0, 0);
        Assert.Equal(4, step.Calls);
        // Blackout paints the whole pre-letterbox image 0: only 0 and the letterbox pad 114 remain.
        Assert.All(batch.Images, v => Assert.True(v is 0f or 114f, $"value {v}"));
    }

    private sealed class Blackout : IAugmentation
    {
        public int Calls;

        public LabeledImage Apply(LabeledImage sample, AugmentationContext context)
        {
            Interlocked.Increment(ref Calls);
            Assert.NotNull(context.Samples);
            sample.Image.Data.AsSpan().Clear();
            return sample;
        }
    }

    [Fact]
    public void Disposed_batches_lend_their_arrays_to_later_batches_without_changing_a_value()
    {
        // The loader's batches and the pipeline's intermediate images come from a pool of reused arrays, so every
        // value must be written afresh: a plain batch built right after a Mosaic batch was handed back (full label
        // rows, other pixels) must equal the same plain batch built before.
        var dataset = Coco128(8);
        var options = new TrainLoaderOptions { BatchSize = 4, Seed = 3, Workers = 0 };
        using var mosaic = new TrainDataLoader(dataset, Small, options);
        using var plain = new TrainDataLoader(dataset, Small, options);
        plain.CloseMosaic();
        var expected = new List<(float[] Images, float[] Targets)>();
        for (var b = 0; b < 2; b++)
        {
            var batch = plain.BuildBatch(0, b);
            // SequenceEqual treats NaN as equal to NaN: the reference itself must be finite for the comparison to mean anything.
            Assert.All(batch.Images, v => Assert.True(float.IsFinite(v)));
            Assert.All(batch.Targets, v => Assert.True(float.IsFinite(v)));
            expected.Add((batch.Images.ToArray(), batch.Targets.ToArray()));
        }
        for (var round = 0; round < 3; round++)
        {
            for (var b = 0; b < 2; b++)
            {
                mosaic.BuildBatch(round, b).Dispose();
                using var batch = plain.BuildBatch(0, b);
                Assert.True(expected[b].Images.AsSpan().SequenceEqual(batch.Images), $"round {round} batch {b}: images differ");
                Assert.True(expected[b].Targets.AsSpan().SequenceEqual(batch.Targets), $"round {round} batch {b}: targets differ");
            }
        }
    }

    [Fact]
    public void A_disposed_batch_refuses_its_arrays_and_a_users_own_batch_arrays_are_never_reused()
    {
        var dataset = Coco128(4);
        using var loader = new TrainDataLoader(dataset, Small, new TrainLoaderOptions { BatchSize = 4, Workers = 0 });
        var shape = loader.BuildBatch(0, 0);
        var (imagesLength, targetsLength) = (shape.Images.Length, shape.Targets.Length);
        shape.Dispose();
        Assert.Throws<ObjectDisposedException>(() => shape.Images);
        Assert.Throws<ObjectDisposedException>(() => shape.Targets);

        // A batch the user built around their own arrays: disposing it must not hand those arrays to the loader.
        var images = Enumerable.Repeat(-7f, imagesLength).ToArray();
        var targets = Enumerable.Repeat(-7f, targetsLength).ToArray();
        new TrainBatch(images, targets, 4, 128, 128, targetsLength / 20, [0, 1, 2, 3]).Dispose();
        for (var b = 0; b < 3; b++)
            loader.BuildBatch(1, 0).Dispose();
        Assert.All(images, v => Assert.Equal(-7f, v));
        Assert.All(targets, v => Assert.Equal(-7f, v));
    }

    [Fact]
    public void An_image_a_user_step_was_given_stays_intact_after_the_pipeline_is_done_with_the_sample()
    {
        // The pipeline recycles its own intermediates, never the input of a user's step (the user may keep it).
        var dataset = Coco128(4);
        var keeper = new KeepAndCopy();
        using var loader = new TrainDataLoader(dataset, Small, new TrainLoaderOptions { BatchSize = 4, Workers = 0 }, null, [keeper]);
        loader.BuildBatch(0, 0).Dispose();
        var kept = keeper.Kept.ToArray();
        var snapshots = kept.Select(k => k.Image.Data.ToArray()).ToArray();
        for (var b = 0; b < 3; b++)
            loader.BuildBatch(1, 0).Dispose();
        for (var i = 0; i < kept.Length; i++)
            Assert.True(snapshots[i].AsSpan().SequenceEqual(kept[i].Image.Data), $"kept image {i} changed");
    }

    private sealed class KeepAndCopy : IAugmentation
    {
        public readonly System.Collections.Concurrent.ConcurrentQueue<LabeledImage> Kept = new();

        public LabeledImage Apply(LabeledImage sample, AugmentationContext context)
        {
            if (Kept.Count < 4)
                Kept.Enqueue(sample);
            return new LabeledImage(sample.Image.Clone(), sample.Boxes);
        }
    }
}
