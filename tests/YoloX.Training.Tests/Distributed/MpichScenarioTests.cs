using Xunit;

namespace YoloX.Training.Tests.Distributed;

/// <summary>
/// The same binding under MPICH (Debian's <c>mpich</c>: <c>mpiexec.mpich</c>, <c>libmpich.so.12</c>), installed beside
/// Open MPI, which stays the default <c>mpirun</c>. MPICH represents handles as integer constants where Open MPI uses
/// addresses of exported objects, so these runs check the other half of the binding; they also check that the library
/// is chosen by the launcher (Hydra's <c>PMI_RANK</c>) and that a library of the other family is refused.
/// </summary>
[Collection(MpiJob.Collection)]
public sealed class MpichScenarioTests
{
    [Fact]
    public void Under_MPICHs_mpiexec_the_binding_loads_MPICH_and_collectives_give_exact_sums_and_broadcasts()
    {
        var result = MpiJob.Run("collectives", TimeSpan.FromMinutes(2), launcher: MpiJob.Launcher.Mpich);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(2, MpiJob.Count(result.Output, "Mpich libmpich.so.12"));
        Assert.Contains("world 1/2", result.Output);
        Assert.Equal(2, MpiJob.Count(result.Output, "PASSED"));
    }

    [Fact]
    public void Open_MPIs_library_under_MPICHs_launcher_is_refused_with_a_one_line_message_instead_of_training_alone()
    {
        var environment = new Dictionary<string, string> { ["YOLOX_MPI_LIBRARY"] = "libmpi.so.40" };
        var result = MpiJob.Run("collectives", TimeSpan.FromMinutes(2), launcher: MpiJob.Launcher.Mpich, environment: environment);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Equal(2, MpiJob.Count(result.Output,
            "the PMI launcher started 2 processes but the MPI library libmpi.so.40 (OpenMpi) sees a world of 1"));
        Assert.DoesNotContain("PASSED", result.Output);
    }

    [Fact]
    public void Under_MPICH_two_ranks_at_batch_b_train_like_one_process_at_batch_2b_and_stay_bit_identical()
    {
        var result = MpiJob.Run("equivalence", TimeSpan.FromMinutes(5), launcher: MpiJob.Launcher.Mpich);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(2 * 3 * 2, MpiJob.Count(result.Output, "elements differing from rank 0: 0"));
        Assert.Contains("max |weights(mpirun -n 2, b=2) - weights(1 process, b=4)|", result.Output);
        Assert.Equal(2, MpiJob.Count(result.Output, "PASSED"));
    }

    [Fact]
    public void Under_MPICH_the_trainer_on_two_ranks_completes_and_ends_with_bit_identical_replicas()
    {
        var result = MpiJob.Run("trainer", TimeSpan.FromMinutes(3), launcher: MpiJob.Launcher.Mpich);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(2, MpiJob.Count(result.Output, "trainer: Completed after 4 iterations"));
        Assert.Equal(2, MpiJob.Count(result.Output, "trainer end: model elements differing from rank 0: 0, EMA: 0"));
        Assert.Equal(2, MpiJob.Count(result.Output, "PASSED"));
    }

    [Fact]
    public void Under_MPICH_killing_one_rank_ends_the_whole_job_non_zero_within_a_bounded_time()
    {
        var result = MpiJob.Run("kill", TimeSpan.FromMinutes(2), launcher: MpiJob.Launcher.Mpich);
        Assert.False(result.TimedOut, result.ToString());
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("killing myself", result.Output);
        Assert.Contains("BAD TERMINATION OF ONE OF YOUR APPLICATION PROCESSES", result.Output); // Hydra's own message
        Assert.DoesNotContain("PASSED", result.Output);
    }
}
