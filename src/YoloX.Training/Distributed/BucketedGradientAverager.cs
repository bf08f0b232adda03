using System.Diagnostics;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using TorchSharp;
using YoloX.Training.Distributed.Mpi;
using static TorchSharp.torch;

namespace YoloX.Training.Distributed;

/// <summary>
/// Averages gradients over the ranks with few large all-reduces: the gradients are flattened in order into host
/// buckets of <see cref="GradientBucketOptions.BucketSizeBytes"/>, each bucket is summed over the ranks, divided by the
/// world size and copied back. float32 and float64 gradients are supported (each dtype in its own buckets).
/// </summary>
/// <remarks>
/// The averaging runs after the whole backward pass (no overlap of backward and communication; see
/// <c>docs/distributed.md</c> for when overlap would matter). Because every rank receives the same sums and divides
/// them the same way, the averaged gradients are bit-identical on every rank, which keeps the replicas identical.
/// </remarks>
public sealed class BucketedGradientAverager : IGradientAverager
{
    private readonly IDistributedContext _context;
    private readonly Stopwatch _communication = new();
    private readonly Stopwatch _total = new();
    private float[]? _floatBucket;
    private double[]? _doubleBucket;
    private long _calls;
    private long _buckets;
    private long _bytes;

    /// <summary>Creates an averager over <paramref name="context"/>.</summary>
    public BucketedGradientAverager(IDistributedContext context, GradientBucketOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        Options = (options ?? GradientBucketOptions.Default).Validate();
    }

    /// <summary>The settings.</summary>
    public GradientBucketOptions Options { get; }

    /// <summary>Bytes and time spent so far.</summary>
    public GradientAveragingStatistics Statistics =>
        new(_calls, _buckets, _bytes, _communication.Elapsed, _total.Elapsed);

    /// <inheritdoc />
    /// <exception cref="ArgumentException">A gradient is null.</exception>
    /// <exception cref="NotSupportedException">A gradient is neither float32 nor float64.</exception>
    public void Average(IReadOnlyList<Tensor> gradients)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        var floats = new List<Tensor>();
        var doubles = new List<Tensor>();
        foreach (var g in gradients)
        {
            if (g is null)
                throw new ArgumentException("Every gradient must exist (a parameter without a gradient must be left out on every rank).", nameof(gradients));
            if (g.dtype == ScalarType.Float32)
                floats.Add(g);
            else if (g.dtype == ScalarType.Float64)
                doubles.Add(g);
            else
                throw new NotSupportedException($"Gradients of dtype {g.dtype} cannot be averaged; use float32 or float64.");
        }
        if (_context.WorldSize == 1)
            return;

        _total.Start();
        try
        {
            float n = _context.WorldSize;
            if (floats.Count > 0)
            {
                _floatBucket ??= new float[BucketLength(sizeof(float))];
                _buckets += HostBuckets.Run<float>(floats, _floatBucket, bucket =>
                {
                    _communication.Start();
                    _context.AllReduceSum(bucket);
                    _communication.Stop();
                    _bytes += (long)bucket.Length * sizeof(float);
                    TensorPrimitives.Divide(bucket, n, bucket);
                }, writeBack: true);
            }
            if (doubles.Count > 0)
            {
                _doubleBucket ??= new double[BucketLength(sizeof(double))];
                _buckets += HostBuckets.Run<double>(doubles, _doubleBucket, bucket =>
                {
                    _communication.Start();
                    _context.AllReduceSum(bucket);
                    _communication.Stop();
                    _bytes += (long)bucket.Length * sizeof(double);
                    TensorPrimitives.Divide(bucket, (double)_context.WorldSize, bucket);
                }, writeBack: true);
            }
            _calls++;
        }
        finally
        {
            _communication.Stop(); // already stopped unless an all-reduce threw
            _total.Stop();
        }
    }

    private int BucketLength(int elementSize) =>
        (int)Math.Min(Options.BucketSizeBytes / elementSize, Array.MaxLength);
}
