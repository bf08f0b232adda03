using System.Diagnostics;
using YoloX.Training.Distributed;

namespace YoloX.Training.MpiHost;

/// <summary>
/// The last rank kills itself (SIGKILL) while the others are blocked in an all-reduce. The job must end non-zero:
/// mpirun notices the dead process and terminates the rest. The test launching this judges the exit code and the time.
/// </summary>
internal static class KillScenario
{
    public static void Run(IDistributedContext c, RankLog log)
    {
        c.Barrier();
        if (c.Rank == c.WorldSize - 1)
        {
            log.Write("killing myself with SIGKILL");
            Process.GetCurrentProcess().Kill();
            Thread.Sleep(Timeout.Infinite);
        }
        log.Write("entering an all-reduce the killed rank will never join");
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromMinutes(5))
            c.SumOverRanks(1);
        throw new ScenarioFailedException("the job kept running for 5 minutes after a rank died");
    }
}
