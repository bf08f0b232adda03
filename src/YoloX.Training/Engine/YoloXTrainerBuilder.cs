using YoloX.Core;
using YoloX.Inference;
using YoloX.Training.Data;
using YoloX.Training.Distributed;
using YoloX.Training.Evaluation;

namespace YoloX.Training.Engine;

/// <summary>
/// The training side of <see cref="YoloXBuilder"/>: the builder's model scale and weights plus a dataset and a recipe
/// give a ready <see cref="YoloXTrainingRun"/>. Immutable like the detector builder: every <c>With…</c> returns a copy.
/// </summary>
public sealed record YoloXTrainerBuilder
{
    internal YoloXTrainerBuilder(YoloXBuilder model, DetectionDataset dataset, TrainingRecipe recipe)
    {
        Model = model;
        Dataset = dataset;
        Recipe = recipe;
    }

    /// <summary>The detector builder holding the scale (<c>WithModel</c>), weights (<c>WithWeights</c>) and device.</summary>
    public YoloXBuilder Model { get; init; }

    /// <summary>The training data.</summary>
    public DetectionDataset Dataset { get; init; }

    /// <summary>The hyper-parameters.</summary>
    public TrainingRecipe Recipe { get; init; }

    /// <summary>Output, freezing, early stopping.</summary>
    public TrainerOptions Options { get; init; } = TrainerOptions.Default;

    /// <summary>The evaluation split, or <c>null</c> for no evaluation.</summary>
    public DetectionDataset? EvaluationDataset { get; init; }

    /// <summary>Extra callbacks (the console, CSV and curve loggers are always added on rank 0).</summary>
    public IReadOnlyList<ITrainingCallback> Callbacks { get; init; } = [];

    /// <summary>The job's ranks.</summary>
    public IDistributedContext Distributed { get; init; } = SingleProcessContext.Instance;

    /// <summary>Evaluates the EMA model on <paramref name="dataset"/> after the recipe's epochs.</summary>
    public YoloXTrainerBuilder WithEvaluation(DetectionDataset dataset) => this with { EvaluationDataset = dataset };

    /// <summary>Changes the trainer options.</summary>
    public YoloXTrainerBuilder WithOptions(Func<TrainerOptions, TrainerOptions> configure) =>
        this with { Options = configure(Options) };

    /// <summary>Adds callbacks.</summary>
    public YoloXTrainerBuilder WithCallbacks(params ITrainingCallback[] callbacks) => this with { Callbacks = [.. Callbacks, .. callbacks] };

    /// <summary>
    /// Creates the model (the builder's preset, the dataset's classes; the builder's weights loaded with a printed
    /// report), the augmenting loader and the trainer.
    /// </summary>
    public YoloXTrainingRun BuildTrainer(TextWriter? log = null)
    {
        log ??= Console.Out;
        var preset = Model.Preset ?? Recipe.Model;
        var recipe = Recipe.Validate();
        TorchSharp.torch.random.manual_seed(recipe.Seed);
        var model = YoloXModel.Create(YoloXConfig.FromPreset(preset, Dataset.ClassNames.Count) with { InputSize = recipe.InputSize.Height });
        TrainDataLoader? loader = null;
        try
        {
            if (Model.Weights is { } weights)
            {
                var path = File.Exists(weights) ? weights : new YoloX.Inference.Weights.WeightsResolver().ResolveAsync(weights,
                    weights.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) ? YoloX.Inference.Weights.WeightsFormat.Onnx : YoloX.Inference.Weights.WeightsFormat.PyTorch)
                    .GetAwaiter().GetResult();
                log.WriteLine(PretrainedWeights.Describe(PretrainedWeights.LoadInto(model, path), path));
            }
            loader = new TrainDataLoader(Dataset, RecipeAugmentation.From(recipe), new TrainLoaderOptions
            {
                BatchSize = Math.Max(1, recipe.BatchSize / Distributed.WorldSize),
                Seed = recipe.Seed,
                Workers = Math.Max(1, recipe.DataNumWorkers),
            }, Distributed);
            var options = Options with { Device = Options.Device == TrainerOptions.Default.Device ? Model.Device : Options.Device };
            var callbacks = new List<ITrainingCallback>(Callbacks);
            if (Distributed.IsMain)
            {
                callbacks.Add(new ConsoleTrainingLogger(log, recipe.PrintInterval));
                callbacks.Add(new CsvTrainingLogger(options.OutputDirectory));
                if (options.Plots)
                {
                    callbacks.Add(new CurvePlotter(options.OutputDirectory));
                }
            }
            var evaluator = EvaluationDataset is { } eval
                ? new ModelEvaluationRunner(eval, recipe.TestSize.Height, (float)recipe.TestConf, (float)recipe.NmsThre)
                : null;
            var averager = Distributed.WorldSize > 1 ? new BucketedGradientAverager(Distributed) : null;
            var trainer = new YoloXTrainer(model, loader, Dataset.ClassNames, recipe, options, evaluator, callbacks, Distributed,
                gradientAverager: averager);
            return new YoloXTrainingRun(model, loader, trainer);
        }
        catch
        {
            loader?.Dispose();
            model.Dispose();
            throw;
        }
    }
}
