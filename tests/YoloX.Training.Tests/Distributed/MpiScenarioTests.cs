using Xunit;

namespace YoloX.Training.Tests.Distributed;

/// <summary>
/// The MPI binding and the data-parallel pieces on a real Open MPI job: two processes started by mpirun running the
/// scenarios of tests/YoloX.Training.MpiHost. Each scenario checks itself on every rank and exits 0 only when all
/// checks pass; the job's exit code and output are judged here.
/// </summary>
[Collection(MpiJob.Collection)]
public sealed class MpiScenarioTests
{
    [Fact]
    public void Collectives_on_float_double_int64_and_byte_give_exact_sums_and_broadcasts_on_every_rank()
    {
        var result = MpiJob.Run("collectives", TimeSpan.FromMinutes(2));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(2, MpiJob.Count(result.Output, "PASSED"));
        Assert.Contains("OpenMpi libmpi.so.40", result.Output);
    }

    [Fact]
    public void An_MPI_error_becomes_an_MpiException_with_MPIs_error_string_and_the_job_goes_on()
    {
        var result = MpiJob.Run("errors", TimeSpan.FromMinutes(2));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("MPI_Bcast failed: MPI_ERR_ROOT: invalid root", result.Output);
        Assert.Equal(2, MpiJob.Count(result.Output, "PASSED"));
    }

    [Fact]
    public void Killing_one_rank_ends_the_whole_job_non_zero_within_a_bounded_time()
    {
        var result = MpiJob.Run("kill", TimeSpan.FromMinutes(2));
        Assert.False(result.TimedOut, result.ToString());
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("killing myself", result.Output);
        Assert.Contains("exited on signal 9", result.Output); // mpirun's own message naming the dead rank
        Assert.DoesNotContain("PASSED", result.Output);
    }

    [Fact]
    public void A_NaN_loss_on_one_rank_makes_every_rank_skip_that_step_together()
    {
        var result = MpiJob.Run("nan-skip", TimeSpan.FromMinutes(5));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(2, MpiJob.Count(result.Output, "step 1: ") - MpiJob.Count(result.Output, "step 1: taken"));
        Assert.Equal(2, MpiJob.Count(result.Output, "PASSED"));
    }

    [Fact]
    public void The_trainers_global_foreground_TrainingStep_on_MPI_leaves_no_TorchSharp_Scalar_to_the_finalizer_on_any_rank()
    {
        var result = MpiJob.Run("trainingstep-scalars", TimeSpan.FromMinutes(5));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(2, MpiJob.Count(result.Output, "Scalars left to the finalizer by two global-foreground steps: 0"));
        Assert.Equal(2, MpiJob.Count(result.Output, "PASSED"));
    }

    [Fact]
    public void The_trainers_TrainingStep_on_MPI_skips_a_one_rank_NaN_on_every_rank_and_keeps_parameters_identical()
    {
        var result = MpiJob.Run("trainingstep-nan-skip", TimeSpan.FromMinutes(5));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(2, MpiJob.Count(result.Output, "TrainingStep 1: ") - MpiJob.Count(result.Output, "TrainingStep 1: taken"));
        Assert.Equal(2, MpiJob.Count(result.Output, "averaging without non-finite ranks: running statistics finite and identical"));
        Assert.Equal(2, MpiJob.Count(result.Output, "PASSED"));
    }

    [Fact]
    public void The_trainer_on_two_ranks_completes_writes_checkpoints_only_from_rank_0_and_ends_with_bit_identical_replicas()
    {
        var result = MpiJob.Run("trainer", TimeSpan.FromMinutes(3));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(2, MpiJob.Count(result.Output, "trainer: Completed after 4 iterations"));
        Assert.Equal(2, MpiJob.Count(result.Output, "trainer end: model elements differing from rank 0: 0, EMA: 0"));
        Assert.Equal(2, MpiJob.Count(result.Output, "PASSED"));
    }

    [Fact]
    public void Two_ranks_at_batch_b_train_like_one_process_at_batch_2b_and_stay_bit_identical()
    {
        // 3 steps of Nano at 160 px, b = 2 per rank, twice (global and per-rank foreground normalisation): ~12 s here.
        var result = MpiJob.Run("equivalence", TimeSpan.FromMinutes(5));
        Assert.True(result.ExitCode == 0, result.ToString());
        // Every rank reports, after each of the 3 steps of both runs, the elements differing from rank 0 (and fails on any).
        Assert.Equal(2 * 3 * 2, MpiJob.Count(result.Output, "elements differing from rank 0: 0"));
        Assert.Contains("max |weights(mpirun -n 2, b=2) - weights(1 process, b=4)|", result.Output);
        Assert.Equal(2, MpiJob.Count(result.Output, "PASSED"));
    }
}
