using TorchSharp;
using YoloX.Core;
using YoloX.Training.Distributed;
using YoloX.Training.Optimization;
using static TorchSharp.torch;

namespace YoloX.Training.Engine;

/// <summary>
/// The recipe's optimisation as the trainer drives it: <see cref="YoloXSgd"/> (the official three groups), the
/// recipe's learning-rate schedule, <see cref="ModelEma"/> and one <see cref="TrainingStep"/> per iteration.
/// </summary>
public sealed class RecipeOptimizer : ITrainingOptimizer
{
    private const string MomentumPrefix = "momentum/";
    private readonly YoloXSgd sgd;
    private readonly ModelEma? ema;
    private readonly ILearningRateSchedule schedule;
    private readonly TrainingStep step;
    private readonly YoloXModel model;

    /// <summary>Builds the optimiser of <paramref name="recipe"/> for <paramref name="model"/> (already on its device).</summary>
    /// <param name="model">The trained model.</param>
    /// <param name="recipe">The hyper-parameters.</param>
    /// <param name="iterationsPerEpoch">Iterations per epoch (the schedule's unit).</param>
    /// <param name="totalBatchSize">Images per iteration over all ranks (lr = basic_lr_per_img × this).</param>
    /// <param name="distributed">The job's ranks.</param>
    /// <param name="gradientAverager">Averages gradients when there are several ranks.</param>
    public RecipeOptimizer(YoloXModel model, TrainingRecipe recipe, int iterationsPerEpoch, int totalBatchSize,
        IDistributedContext? distributed = null, IGradientAverager? gradientAverager = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(recipe);
        this.model = model;
        sgd = YoloXSgd.Create(model, recipe);
        ema = recipe.Ema ? ModelEma.Create(model, recipe) : null;
        schedule = LearningRateSchedules.Create(recipe, iterationsPerEpoch, totalBatchSize);
        step = new TrainingStep(model, sgd, ema, new TrainingStepOptions
        {
            Context = distributed ?? SingleProcessContext.Instance,
            GradientAverager = gradientAverager,
            GradClipNorm = recipe.GradClipNorm,
        });
    }

    /// <inheritdoc />
    public YoloXModel EvaluationModel => ema?.Model ?? model;

    /// <inheritdoc />
    public YoloXModel? Ema => ema?.Model;

    /// <inheritdoc />
    public long EmaUpdates => ema?.Updates ?? 0;

    /// <inheritdoc />
    public double LearningRate(long iteration) => schedule.GetLearningRate(iteration);

    /// <inheritdoc />
    public TrainingStepResult Step(Tensor images, Tensor targets, double learningRate, bool useL1)
    {
        step.UseL1 = useL1;
        return step.Run(images, targets, learningRate);
    }

    /// <inheritdoc />
    public IReadOnlyList<KeyValuePair<string, Tensor>> StateTensors() =>
        [.. sgd.ExportState().Select(kv => KeyValuePair.Create(MomentumPrefix + kv.Key, kv.Value))];

    /// <inheritdoc />
    public void LoadState(IReadOnlyDictionary<string, Tensor> state, IReadOnlyDictionary<string, Tensor>? emaState, long emaUpdates)
    {
        ArgumentNullException.ThrowIfNull(state);
        sgd.ImportState(state.Where(kv => kv.Key.StartsWith(MomentumPrefix, StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key[MomentumPrefix.Length..], kv => kv.Value, StringComparer.Ordinal));
        if (ema is not null)
        {
            if (emaState is null)
            {
                throw new TrainingStateException("The checkpoint has no EMA weights but the recipe uses EMA.");
            }
            ema.ImportState(emaState, emaUpdates);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        sgd.Dispose();
        ema?.Dispose();
    }
}
