using YoloX.Training.Distributed;
using YoloX.Training.MpiHost;

// Usage (under mpirun): YoloX.Training.MpiHost <scenario>. Every rank prints "rank R: ..." lines; exit 0 = passed.
if (args.Length != 1 || !Scenarios.All.TryGetValue(args[0], out var scenario))
{
    Console.Error.WriteLine($"usage: YoloX.Training.MpiHost <{string.Join("|", Scenarios.All.Keys)}>");
    return 2;
}

IDistributedContext context;
try
{
    context = DistributedContextFactory.Create(DistributedBackend.Mpi);
}
catch (Exception e)
{
    Console.Error.WriteLine($"FAILED to start MPI: {e.GetType().Name}: {e.Message}");
    return 3;
}

try
{
    var log = new RankLog(context);
    scenario(context, log);
    log.Write("PASSED");
    context.Dispose();
    return 0;
}
catch (Exception e)
{
    Console.Error.WriteLine($"rank {context.Rank}: FAILED: {e.GetType().Name}: {e.Message}");
    Console.Error.Flush();
    // The other ranks may be inside a collective this rank will never join: end the whole job now.
    if (context is MpiContext mpi)
        mpi.Abort(1);
    return 1;
}
