using YoloX.Training.Checkpoints;

namespace YoloX.Training.Engine;

/// <summary>What the trainer reports before the first iteration.</summary>
/// <param name="Recipe">The hyper-parameters in force.</param>
/// <param name="RecipeText">The recipe as YAML (also saved in every checkpoint).</param>
/// <param name="Progress">Where training starts (non-zero after a resume).</param>
/// <param name="BatchesPerEpoch">Iterations per epoch on each rank.</param>
/// <param name="GlobalBatchSize">Images per iteration over all ranks.</param>
/// <param name="ClassNames">The class names.</param>
/// <param name="Resumed">True when continuing from a checkpoint.</param>
public sealed record TrainingStartInfo(
    TrainingRecipe Recipe, string RecipeText, TrainingProgress Progress, int BatchesPerEpoch, int GlobalBatchSize,
    IReadOnlyList<string> ClassNames, bool Resumed);
