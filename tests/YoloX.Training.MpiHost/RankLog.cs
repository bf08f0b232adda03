using YoloX.Training.Distributed;

namespace YoloX.Training.MpiHost;

/// <summary>Writes "rank R: message" lines, flushed at once (mpirun interleaves the ranks' output).</summary>
internal sealed class RankLog(IDistributedContext context)
{
    public void Write(string message)
    {
        Console.Out.WriteLine($"rank {context.Rank}: {message}");
        Console.Out.Flush();
    }
}
