using YoloX.Training.Distributed;

namespace YoloX.Training.MpiHost;

/// <summary>An invalid call is reported by MPI itself and arrives as an MpiException with MPI's error string; the job goes on.</summary>
internal static class ErrorsScenario
{
    public static void Run(IDistributedContext c, RankLog log)
    {
        foreach (var root in new[] { c.WorldSize, -5 })
        {
            try
            {
                c.Broadcast(new float[4], root);
                throw new ScenarioFailedException($"a broadcast from root {root} of {c.WorldSize} ranks succeeded");
            }
            catch (MpiException e)
            {
                log.Write($"root {root}: {e.Message}");
                Check.True(e.ErrorCode != 0, "the MPI error code is kept");
                Check.True(e.Message.StartsWith("MPI_Bcast failed: ", StringComparison.Ordinal), "the message names the call");
                Check.True(!e.Message.Contains($"MPI error code {e.ErrorCode} (", StringComparison.Ordinal),
                    "the message carries MPI's own error string, not the fallback");
            }
        }
        // The communicator returns errors instead of aborting, so the job is still usable.
        c.Barrier();
        Check.Equal((long)c.WorldSize, c.SumOverRanks(1), "all-reduce after the errors");
    }
}
