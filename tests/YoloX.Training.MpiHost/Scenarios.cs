using YoloX.Training.Distributed;

namespace YoloX.Training.MpiHost;

/// <summary>The scenarios by name.</summary>
internal static class Scenarios
{
    public static IReadOnlyDictionary<string, Action<IDistributedContext, RankLog>> All { get; } =
        new Dictionary<string, Action<IDistributedContext, RankLog>>
        {
            ["collectives"] = CollectivesScenario.Run,
            ["errors"] = ErrorsScenario.Run,
            ["kill"] = KillScenario.Run,
            ["nan-skip"] = NanSkipScenario.Run,
            ["equivalence"] = EquivalenceScenario.Run,
            ["trainingstep-nan-skip"] = TrainingStepNanSkipScenario.Run,
            ["trainingstep-scalars"] = TrainingStepScalarLifetimeScenario.Run,
            ["throughput"] = ThroughputScenario.Run,
            ["trainer"] = TrainerScenario.Run,
        };
}
