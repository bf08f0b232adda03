using YoloX.Inference;
using YoloX.Training.Data;

namespace YoloX.Training.Engine;

/// <summary>The fluent builder reaches training: <c>YoloXBuilder.Create().WithModel(Nano).WithWeights(...).ForTraining(data, r => r with {...}).BuildTrainer()</c>.</summary>
public static class YoloXBuilderTrainingExtensions
{
    /// <summary>
    /// Trains the builder's model on <paramref name="dataset"/> with the official recipe of the builder's preset,
    /// changed by <paramref name="configure"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The builder has no model scale (<c>WithModel</c>).</exception>
    public static YoloXTrainerBuilder ForTraining(this YoloXBuilder builder, DetectionDataset dataset,
        Func<TrainingRecipe, TrainingRecipe>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(dataset);
        if (builder.Preset is not { } preset)
        {
            throw new InvalidOperationException("Training needs a model scale: call WithModel(preset) first.");
        }
        if (builder.ClassNames is { } names && !names.SequenceEqual(dataset.ClassNames))
        {
            throw new ArgumentException($"The builder's class names ({string.Join(", ", names)}) are not the dataset's ({string.Join(", ", dataset.ClassNames)}).", nameof(dataset));
        }
        var recipe = TrainingRecipe.ForPreset(preset);
        return new YoloXTrainerBuilder(builder, dataset, configure is null ? recipe : configure(recipe));
    }
}
