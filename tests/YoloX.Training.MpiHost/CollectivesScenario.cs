using TorchSharp;
using YoloX.Training.Distributed;
using static TorchSharp.torch;

namespace YoloX.Training.MpiHost;

/// <summary>
/// Every collective on every dtype against values each rank can compute for all ranks (rank-dependent, exactly
/// representable inputs, so sums are exact), then the averager, state broadcast and BatchNorm averaging.
/// </summary>
internal static class CollectivesScenario
{
    public static void Run(IDistributedContext c, RankLog log)
    {
        var mpi = (MpiContext)c;
        log.Write($"world {c.Rank}/{c.WorldSize}, local {c.LocalRank}/{c.LocalSize}, {mpi.Implementation} {mpi.LibraryName}, thread level {mpi.ThreadLevel}");
        Check.True(c.WorldSize >= 2, "run with at least 2 ranks");
        Check.Equal(c.Rank, c.LocalRank, "local rank on one machine");
        Check.Equal(c.WorldSize, c.LocalSize, "local size on one machine");
        Check.Equal(c.Rank == 0, c.IsMain, "IsMain");

        AllReduce(c);
        Broadcasts(c);
        c.Barrier();
        Averager(c, log);
        StateBroadcast(c);
        BatchNorm(c);
        log.Write("collectives, averager, state broadcast and BatchNorm averaging correct");
    }

    private static void AllReduce(IDistributedContext c)
    {
        const int n = 100_003; // not a multiple of anything MPI might chunk by
        var w = c.WorldSize;
        var f = new float[n];
        var d = new double[n];
        var l = new long[n];
        for (var i = 0; i < n; i++)
        {
            f[i] = (c.Rank + 1) * 0.5f + i;
            d[i] = (c.Rank + 1) * 0.25 + i / 1024.0;
            l[i] = (1L << 40) * (c.Rank + 1) + i;
        }
        c.AllReduceSum(f);
        c.AllReduceSum(d);
        c.AllReduceSum(l);
        var rankSum = w * (w + 1) / 2; // Σ (r + 1)
        for (var i = 0; i < n; i++)
        {
            Check.Equal(rankSum * 0.5f + w * (float)i, f[i], $"float all-reduce [{i}]");
            Check.Equal(rankSum * 0.25 + w * (i / 1024.0), d[i], $"double all-reduce [{i}]");
            Check.Equal((1L << 40) * rankSum + (long)w * i, l[i], $"int64 all-reduce [{i}]");
        }
        c.AllReduceSum(Span<float>.Empty); // empty buffers are a no-op, not an MPI call with a null pointer
    }

    private static void Broadcasts(IDistributedContext c)
    {
        for (var root = 0; root < c.WorldSize; root++)
        {
            float[] f = [c.Rank + 0.5f, -c.Rank, float.MaxValue];
            double[] d = [c.Rank + 0.125, Math.PI * c.Rank];
            long[] l = [c.Rank, long.MinValue + c.Rank];
            byte[] b = [(byte)c.Rank, 255, (byte)(7 * c.Rank)];
            c.Broadcast(f, root);
            c.Broadcast(d, root);
            c.Broadcast(l, root);
            c.Broadcast(b, root);
            Check.True(f.SequenceEqual([root + 0.5f, -root, float.MaxValue]), $"float broadcast from {root}");
            Check.True(d.SequenceEqual([root + 0.125, Math.PI * root]), $"double broadcast from {root}");
            Check.True(l.SequenceEqual([root, long.MinValue + root]), $"int64 broadcast from {root}");
            Check.True(b.SequenceEqual([(byte)root, (byte)255, (byte)(7 * root)]), $"byte broadcast from {root}");
        }
    }

    /// <summary>Gradients of several shapes and both float dtypes, one non-contiguous, through 1 KiB buckets (so tensors split).</summary>
    private static void Averager(IDistributedContext c, RankLog log)
    {
        using var scope = torch.NewDisposeScope();
        var mine = Gradients(c.Rank);
        var all = Enumerable.Range(0, c.WorldSize).Select(Gradients).ToList();
        var averager = new BucketedGradientAverager(c, new GradientBucketOptions { BucketSizeBytes = 1024 });
        averager.Average(mine);
        for (var k = 0; k < mine.Length; k++)
        {
            var expected = all.Select(g => g[k]).Aggregate((a, b) => a + b) / c.WorldSize;
            var diff = (mine[k] - expected).abs().max().to(ScalarType.Float64).item<double>();
            Check.True(mine[k].isfinite().all().item<bool>(), $"gradient {k} finite after averaging");
            Check.True(diff <= 1e-6, $"gradient {k} equals the mean over ranks (max |diff| {diff})");
        }
        var s = averager.Statistics;
        var bytes = mine.Sum(g => g.numel() * g.element_size());
        Check.Equal(bytes, s.Bytes, "averaged bytes");
        Check.True(s.Buckets > 10, $"1 KiB buckets split the gradients (buckets {s.Buckets})");
        log.Write($"averager: {s.Buckets} buckets, {s.Bytes} bytes");
    }

    private static Tensor[] Gradients(int rank)
    {
        var g = new torch.Generator(1000 + (ulong)rank);
        return
        [
            torch.randn([64, 3, 3, 3], generator: g),
            torch.randn([1000], generator: g),
            torch.randn([13, 7], generator: g).t(), // non-contiguous: staged through a copy
            torch.randn([5, 5], dtype: ScalarType.Float64, generator: g),
            torch.randn([3], generator: g),
        ];
    }

    private static void StateBroadcast(IDistributedContext c)
    {
        torch.random.manual_seed(10 + c.Rank);
        using var model = Small();
        Check.True(ModelSynchronizer.CountMismatches(model, c) > 0, "differently seeded replicas differ");
        ModelSynchronizer.BroadcastState(model, c);
        Check.Equal(0L, ModelSynchronizer.CountMismatches(model, c), "replicas identical after the broadcast");
    }

    private static void BatchNorm(IDistributedContext c)
    {
        using var model = Small();
        var state = model.state_dict();
        using (torch.no_grad())
        {
            state["bn.running_mean"].fill_(c.Rank + 1);
            state["bn.running_var"].fill_(2.0 * (c.Rank + 1));
            state["bn.num_batches_tracked"].fill_(10 * (c.Rank + 1) + 1);
            state["conv.weight"].fill_(c.Rank); // not a norm layer: must stay as it is
        }
        var averaged = BatchNormStatistics.AllReduceMean(model, c);
        Check.Equal(5, averaged, "BatchNorm2d state tensors averaged (weight, bias, mean, var, counter)");
        var w = c.WorldSize;
        var meanOfRankPlusOne = (w + 1) / 2.0;
        Check.True(state["bn.running_mean"].eq(meanOfRankPlusOne).all().item<bool>(), "running mean averaged");
        Check.True(state["bn.running_var"].eq(2 * meanOfRankPlusOne).all().item<bool>(), "running var averaged");
        var counters = Enumerable.Range(0, w).Sum(r => 10L * (r + 1) + 1);
        Check.Equal(counters / w, state["bn.num_batches_tracked"].item<long>(), "batch counter averaged with truncation");
        Check.True(state["conv.weight"].eq(c.Rank).all().item<bool>(), "non-norm weights untouched");
    }

    private static nn.Module Small() =>
        nn.Sequential(("conv", nn.Conv2d(3, 4, 3)), ("bn", nn.BatchNorm2d(4)));
}
