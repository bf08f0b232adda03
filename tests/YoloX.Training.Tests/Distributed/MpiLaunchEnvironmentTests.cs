using Xunit;
using YoloX.Training.Distributed;

namespace YoloX.Training.Tests.Distributed;

/// <summary>Detecting mpirun from the launchers' environment variables.</summary>
public sealed class MpiLaunchEnvironmentTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] variables)
    {
        var map = variables.ToDictionary(v => v.Name, v => v.Value);
        return name => map.GetValueOrDefault(name);
    }

    [Fact]
    public void Open_MPI_variables_give_rank_and_size()
    {
        var launch = MpiLaunchEnvironment.Detect(Env(("OMPI_COMM_WORLD_RANK", "3"), ("OMPI_COMM_WORLD_SIZE", "8"), ("PMIX_RANK", "3")));
        Assert.Equal(new MpiLaunchEnvironment("Open MPI", 3, 8), launch);
    }

    [Fact]
    public void PMI_variables_of_MPICH_Hydra_give_rank_and_size()
    {
        Assert.Equal(new MpiLaunchEnvironment("PMI", 1, 4), MpiLaunchEnvironment.Detect(Env(("PMI_RANK", "1"), ("PMI_SIZE", "4"))));
    }

    [Fact]
    public void PMIx_alone_gives_the_rank_without_a_size()
    {
        Assert.Equal(new MpiLaunchEnvironment("PMIx", 0, null), MpiLaunchEnvironment.Detect(Env(("PMIX_RANK", "0"))));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("x")]
    [InlineData("-1")]
    public void No_or_malformed_variables_mean_no_launcher(string? rank)
    {
        var env = rank is null ? Env() : Env(("OMPI_COMM_WORLD_RANK", rank));
        Assert.Null(MpiLaunchEnvironment.Detect(env));
    }
}
