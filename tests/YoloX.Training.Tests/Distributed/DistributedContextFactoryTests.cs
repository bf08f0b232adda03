using Xunit;
using YoloX.Training.Distributed;

namespace YoloX.Training.Tests.Distributed;

/// <summary>Choosing the process group from the environment, without starting MPI in the test process.</summary>
public sealed class DistributedContextFactoryTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] variables)
    {
        var map = variables.ToDictionary(v => v.Name, v => v.Value);
        return name => map.GetValueOrDefault(name);
    }

    [Fact]
    public void Without_a_launcher_auto_gives_the_single_process_context()
    {
        Assert.Same(SingleProcessContext.Instance, DistributedContextFactory.Create(getVariable: Env()));
    }

    [Fact]
    public void None_gives_the_single_process_context_even_under_mpirun()
    {
        var env = Env(("OMPI_COMM_WORLD_RANK", "0"), ("OMPI_COMM_WORLD_SIZE", "2"));
        Assert.Same(SingleProcessContext.Instance, DistributedContextFactory.Create(DistributedBackend.None, getVariable: env));
    }

    [Theory]
    [InlineData(DistributedBackend.Mpi, false)]
    [InlineData(DistributedBackend.Auto, true)]
    public void Asking_for_MPI_without_the_library_gives_a_one_line_error_saying_what_to_install(
        DistributedBackend backend, bool underLauncher)
    {
        var variables = new List<(string, string)> { (DistributedContextFactory.LibraryVariable, "/nonexistent/libmpi.so.40") };
        if (underLauncher)
            variables.Add(("PMI_RANK", "1"));
        var e = Assert.Throws<MpiNotAvailableException>(() =>
            DistributedContextFactory.Create(backend, getVariable: Env([.. variables])));
        Assert.Contains("install Open MPI (Debian/Ubuntu: apt-get install openmpi-bin libopenmpi-dev)", e.Message);
        Assert.Contains("/nonexistent/libmpi.so.40", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_library_that_is_not_MPI_is_rejected_with_the_missing_symbol()
    {
        var e = Assert.Throws<MpiNotAvailableException>(() =>
            DistributedContextFactory.Create(DistributedBackend.Mpi,
                getVariable: Env((DistributedContextFactory.LibraryVariable, "libm.so.6"))));
        Assert.Contains("does not export MPI_Init_thread", e.Message);
    }

    [Fact]
    public void Under_MPICHs_Hydra_the_MPICH_library_is_tried_before_Open_MPIs()
    {
        var launch = MpiLaunchEnvironment.Detect(Env(("PMI_RANK", "0"), ("PMI_SIZE", "2")));
        var candidates = DistributedContextFactory.LibraryCandidates(launch);
        Assert.Equal(["libmpi.so.12", "libmpich.so.12", "libmpi.so.40"], candidates);
    }

    [Theory]
    [InlineData("OMPI_COMM_WORLD_RANK")]
    [InlineData("PMIX_RANK")]
    [InlineData(null)]
    public void Under_Open_MPI_PMIx_or_no_launcher_Open_MPIs_library_is_tried_first(string? rankVariable)
    {
        var launch = MpiLaunchEnvironment.Detect(rankVariable is null ? Env() : Env((rankVariable, "0")));
        Assert.Equal("libmpi.so.40", DistributedContextFactory.LibraryCandidates(launch)[0]);
    }
}
