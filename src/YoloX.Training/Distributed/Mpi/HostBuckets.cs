using TorchSharp;
using static TorchSharp.torch;

namespace YoloX.Training.Distributed.Mpi;

/// <summary>
/// Streams the elements of a list of tensors (one dtype) through a reusable host buffer: fills it in tensor order,
/// hands each full (or final) bucket to a collective, then copies the result back. A tensor larger than the bucket is
/// split across buckets, so the bucket size bounds host memory, not the largest tensor.
/// </summary>
internal static class HostBuckets
{
    /// <summary>Runs <paramref name="collective"/> over every bucket; writes the buckets back when <paramref name="writeBack"/>.</summary>
    public static int Run<T>(IReadOnlyList<Tensor> tensors, T[] bucket, SpanAction<T> collective, bool writeBack)
        where T : unmanaged
    {
        // The flat views and staging copies are this call's own tensors: the scope frees them however Run ends.
        using var scope = torch.NewDisposeScope();
        var segments = new List<Segment>();
        var staged = new List<(Tensor Target, Tensor Flat)>();
        var fill = 0;
        var buckets = 0;
        foreach (var tensor in tensors)
        {
            var flat = HostFlat(tensor, out var shared);
            if (!shared)
                staged.Add((tensor, flat));
            var n = flat.numel();
            for (long offset = 0; offset < n;)
            {
                var take = (int)Math.Min(n - offset, bucket.Length - fill);
                flat.data<T>().CopyTo(bucket.AsSpan(fill, take), 0, offset);
                segments.Add(new Segment(flat, offset, fill, take));
                fill += take;
                offset += take;
                if (fill == bucket.Length)
                {
                    Flush(bucket, fill, segments, collective, writeBack);
                    buckets++;
                    fill = 0;
                }
            }
        }
        if (fill > 0)
        {
            Flush(bucket, fill, segments, collective, writeBack);
            buckets++;
        }
        if (writeBack)
        {
            using var _ = torch.no_grad();
            foreach (var (target, flat) in staged)
                target.copy_(flat.view_as(target));
        }
        return buckets;
    }

    /// <summary>The delegate a bucket is handed to.</summary>
    public delegate void SpanAction<T>(Span<T> bucket);

    private static void Flush<T>(T[] bucket, int fill, List<Segment> segments, SpanAction<T> collective, bool writeBack)
        where T : unmanaged
    {
        collective(bucket.AsSpan(0, fill));
        if (writeBack)
        {
            foreach (var s in segments)
                s.Flat.data<T>().CopyFrom(bucket.AsSpan(s.BucketOffset, s.Count), 0, s.TensorOffset);
        }
        segments.Clear();
    }

    /// <summary>A 1-D CPU contiguous view of the tensor (sharing its memory when possible, else a copy).</summary>
    private static Tensor HostFlat(Tensor tensor, out bool shared)
    {
        shared = tensor.device_type == DeviceType.CPU && tensor.is_contiguous();
        return shared ? tensor.detach().view(-1) : tensor.detach().cpu().contiguous().view(-1);
    }

    private readonly record struct Segment(Tensor Flat, long TensorOffset, int BucketOffset, int Count);
}
