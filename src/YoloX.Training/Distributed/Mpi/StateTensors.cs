using TorchSharp;
using static TorchSharp.torch;

namespace YoloX.Training.Distributed.Mpi;

/// <summary>Runs a collective over tensors of mixed dtypes, grouped by dtype (float32, float64, int64), in order.</summary>
internal static class StateTensors
{
    private const int BucketBytes = 16 * 1024 * 1024;

    /// <summary>The collectives to apply per dtype.</summary>
    public sealed record Collectives(
        HostBuckets.SpanAction<float> Float, HostBuckets.SpanAction<double> Double, HostBuckets.SpanAction<long> Long);

    /// <summary>Applies the matching collective to every bucket and writes the result back when asked.</summary>
    public static void Run(IReadOnlyList<Tensor> tensors, Collectives collectives, bool writeBack)
    {
        var floats = tensors.Where(t => t.dtype == ScalarType.Float32).ToList();
        var doubles = tensors.Where(t => t.dtype == ScalarType.Float64).ToList();
        var longs = tensors.Where(t => t.dtype == ScalarType.Int64).ToList();
        var other = tensors.FirstOrDefault(t => t.dtype is not (ScalarType.Float32 or ScalarType.Float64 or ScalarType.Int64));
        if (other is not null)
            throw new NotSupportedException($"Model state of dtype {other.dtype} cannot be synchronised; float32, float64 and int64 can.");
        if (floats.Count > 0)
            HostBuckets.Run(floats, new float[Length(floats, sizeof(float))], collectives.Float, writeBack);
        if (doubles.Count > 0)
            HostBuckets.Run(doubles, new double[Length(doubles, sizeof(double))], collectives.Double, writeBack);
        if (longs.Count > 0)
            HostBuckets.Run(longs, new long[Length(longs, sizeof(long))], collectives.Long, writeBack);
    }

    /// <summary>The bucket length: the whole group when small, else a fixed bucket.</summary>
    private static int Length(List<Tensor> group, int elementSize) =>
        (int)Math.Max(1, Math.Min(group.Sum(t => t.numel()), BucketBytes / elementSize));
}
