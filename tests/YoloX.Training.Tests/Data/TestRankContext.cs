using YoloX.Training.Distributed;

namespace YoloX.Training.Tests.Data;

/// <summary>Pretends to be one rank of a job, for the sampler's sharding (the loader uses no collectives).</summary>
internal sealed class TestRankContext(int rank, int worldSize) : IDistributedContext
{
    public int Rank => rank;
    public int WorldSize => worldSize;
    public int LocalRank => rank;
    public int LocalSize => worldSize;
    public bool IsMain => rank == 0;
    public void AllReduceSum(Span<float> buffer) => throw new NotSupportedException();
    public void AllReduceSum(Span<double> buffer) => throw new NotSupportedException();
    public void AllReduceSum(Span<long> buffer) => throw new NotSupportedException();
    public void Broadcast(Span<float> buffer, int root = 0) => throw new NotSupportedException();
    public void Broadcast(Span<double> buffer, int root = 0) => throw new NotSupportedException();
    public void Broadcast(Span<long> buffer, int root = 0) => throw new NotSupportedException();
    public void Broadcast(Span<byte> buffer, int root = 0) => throw new NotSupportedException();
    public void Barrier() { }
    public void Dispose() { }
}
