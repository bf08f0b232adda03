using System.CommandLine;
using System.Globalization;
using YoloX.Cli.Rendering;
using YoloX.Core;
using YoloX.Inference.Weights;
using YoloX.Training;
using YoloX.Training.Checkpoints;
using YoloX.Training.Data;
using YoloX.Training.Distributed;
using YoloX.Training.Engine;
using YoloX.Training.Evaluation;

namespace YoloX.Cli.Commands;

/// <summary>
/// <c>yolox train --model NAME --dataset PATH [...]</c>: train or fine-tune with the official loop; <c>--resume DIR</c>
/// continues exactly where <c>latest</c> stopped. Ctrl-C / SIGTERM save a resumable checkpoint before exiting.
/// Under an MPI launcher (<c>mpirun -n N yolox train ...</c>) every process is one rank of a data-parallel job:
/// <c>--batch</c> stays the global batch (split evenly over the ranks, as the official <c>-b</c>), rank 0 logs,
/// evaluates and writes checkpoints.
/// </summary>
internal static class TrainCommand
{
    private static readonly string[] Models = ["nano", "tiny", "s", "m", "l", "x", "darknet53"];

    public static Command Create()
    {
        var model = new Option<string?>("--model", "-m") { Description = "Model size (official preset)." };
        model.AcceptOnlyFromAmong(Models);
        var recipe = new Option<string?>("--recipe") { Description = "Recipe YAML file (official Exp names; see the shipped yolox_*.yaml), or a shipped recipe name." };
        var dataset = new Option<string?>("--dataset", "-d") { Description = "Training dataset folder or COCO annotation JSON." };
        var source = new DatasetCommand.SourceOptions();
        var evalDataset = new Option<string?>("--eval-dataset") { Description = "Evaluation dataset (same format); default: none unless --eval-split." };
        var evalSplit = new Option<string?>("--eval-split") { Description = "VOC: evaluate on this ImageSets/Main split of the training dataset (e.g. test)." };
        var weights = new Option<string?>("--weights", "-w") { Description = "Start from these weights (.pth, .onnx or our checkpoint); other class counts are fine." };
        var epochs = new Option<int?>("--epochs") { Description = "max_epoch." };
        var batch = new Option<int?>("--batch", "-b") { Description = "Images per iteration over all ranks (recipe batch_size); under mpirun each rank takes batch / ranks." };
        var inputSize = new Option<int?>("--input-size") { Description = "Training and test size (multiple of 32); default: the preset's." };
        var output = new Option<string?>("--output") { Description = "Output folder for checkpoints and logs." };
        var resume = new Option<string?>("--resume") { Description = "Continue from this output folder's latest checkpoint." };
        var device = new Option<string?>("--device") { Description = "cpu or cuda[:N]." };
        var seed = new Option<int?>("--seed") { Description = "Seed of the data stream and multiscale draws (recipe seed; a resume keeps its own)." };
        var cache = new Option<bool>("--cache") { Description = "Keep decoded training images in memory." };
        var distributed = new Option<DistributedBackend>("--distributed") { Description = "auto: MPI when started by mpirun/mpiexec, else one process; none; mpi (fail if MPI cannot start).", DefaultValueFactory = _ => DistributedBackend.Auto };
        var overrides = new Option<string[]>("-o") { Description = "Override a setting: -o key=value (repeatable).", AllowMultipleArgumentsPerToken = false };
        var command = new Command("train", "Train or fine-tune a YOLOX model with the official recipe; resume exactly.")
        {
            model, recipe, dataset, evalDataset, evalSplit, weights, epochs, batch, inputSize, output, resume, device, seed, cache, distributed, overrides,
        };
        source.AddTo(command);
        command.SetAction((parse, ct) => Task.Run(() => Run(parse, ct, new Settings(
            parse.GetValue(model), parse.GetValue(recipe), parse.GetValue(dataset), parse.GetValue(evalDataset),
            parse.GetValue(evalSplit), parse.GetValue(weights), parse.GetValue(epochs), parse.GetValue(batch),
            parse.GetValue(inputSize), parse.GetValue(output), parse.GetValue(resume), parse.GetValue(device),
            parse.GetValue(seed), parse.GetValue(cache), parse.GetValue(overrides) ?? [], parse.GetValue(distributed)), source), CancellationToken.None));
        return command;
    }

    private sealed record Settings(
        string? Model, string? Recipe, string? Dataset, string? EvalDataset, string? EvalSplit, string? Weights,
        int? Epochs, int? Batch, int? InputSize, string? Output, string? Resume, string? Device, int? Seed, bool Cache,
        string[] Overrides, DistributedBackend Distributed = DistributedBackend.Auto);

    /// <summary>Starts the job's ranks (MPI under a launcher, else one process), trains, and ends the ranks.</summary>
    private static int Run(ParseResult parse, CancellationToken ct, Settings s, DatasetCommand.SourceOptions source)
    {
        var error = parse.InvocationConfiguration.Error;
        IDistributedContext context;
        try
        {
            // Created on the thread that runs the whole training: MPI is initialised FUNNELED (only this thread calls it).
            context = DistributedContextFactory.Create(s.Distributed);
        }
        catch (MpiNotAvailableException e)
        {
            error.WriteLine($"error: {e.Message}");
            return 1;
        }
        using (context)
        {
            // Logs come from rank 0 only; errors from every rank (mpirun --tag-output names the rank of each line).
            var output = context.IsMain ? parse.InvocationConfiguration.Output : TextWriter.Null;
            var quiet = GlobalOptions.IsQuiet(parse);
            var bar = context.IsMain ? TrainingProgressBar.ForTerminal(output, parse.InvocationConfiguration.Error, quiet) : null;
            output = bar?.LogWriter ?? output; // in a terminal the log lines scroll above the bar
            if (context.WorldSize > 1 && !quiet)
            {
                output.WriteLine($"distributed: {context.WorldSize} ranks over MPI, batch split evenly, rank 0 logs, evaluates and saves");
            }
            int code;
            try
            {
                code = Train(parse, ct, s, source, context, output, error, bar);
            }
            catch (Exception e) when (context is MpiContext { WorldSize: > 1 })
            {
                error.WriteLine($"error on rank {context.Rank}: {e.GetType().Name}: {e.Message}");
                code = 1;
            }
            // Cancellation (130) and divergence (3) are agreed by all ranks; any other failure may be this rank's alone,
            // and the others would wait forever in a collective it never joins: end the whole job.
            if (code is not (0 or 3 or 130) && context is MpiContext { WorldSize: > 1 } mpi)
            {
                error.Flush();
                mpi.Abort(code);
            }
            return code;
        }
    }

    private static int Train(ParseResult parse, CancellationToken ct, Settings s, DatasetCommand.SourceOptions source,
        IDistributedContext context, TextWriter output, TextWriter error, TrainingProgressBar? bar)
    {
        try
        {
            if (s.Dataset is null)
            {
                error.WriteLine("error: give --dataset");
                return 1;
            }
            var checkpoint = s.Resume is { } r ? ResumePath(r) : null;
            var resumed = checkpoint is null ? null : TrainingCheckpoint.Load(checkpoint);
            using var resumedState = resumed;
            var preset = ResolvePreset(s, resumed);
            var (format, readOptions) = source.Resolve(parse, s.Dataset);
            var data = ReadChecked(s.Dataset, format, readOptions, error);
            if (data is null)
            {
                return 2;
            }
            var recipe = BuildRecipe(s, preset, resumed);
            var perRankBatch = PerRankBatch(recipe.BatchSize, context.WorldSize);
            var options = new TrainerOptions
            {
                OutputDirectory = s.Output ?? s.Resume ?? Path.Combine("YOLOX_outputs", recipe.Name),
                Device = s.Device ?? "cpu",
            };
            var size = recipe.InputSize.Height;
            var quiet = GlobalOptions.IsQuiet(parse);
            var notes = quiet ? TextWriter.Null : output;
            notes.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"dataset: {data.Source} ({format.ToString().ToLowerInvariant()}, {data.Images.Count} images, {data.Annotations.Count} boxes, classes {string.Join(", ", data.ClassNames)})"));
            // Like the official trainer (torch.manual_seed(exp.seed)): the fresh layers' init follows the seed.
            TorchSharp.torch.random.manual_seed(recipe.Seed);
            using var network = CreateModel(preset, data.ClassNames.Count, size, s.Weights, output);
            var evaluator = CreateEvaluator(s, format, readOptions, data, recipe, error);
            using var batches = new TrainDataLoader(data, RecipeAugmentation.From(recipe), new TrainLoaderOptions
            {
                BatchSize = perRankBatch,
                Seed = recipe.Seed,
                Workers = Math.Max(1, recipe.DataNumWorkers),
                CacheImages = s.Cache,
            }, context);
            // Loggers, curves and TensorBoard on rank 0 only (the other ranks train silently).
            var callbacks = new List<ITrainingCallback>();
            if (context.IsMain)
            {
                callbacks.Add(new ConsoleTrainingLogger(output, recipe.PrintInterval) { Quiet = quiet });
                if (bar is not null)
                {
                    callbacks.Add(bar);
                }
                callbacks.Add(new CsvTrainingLogger(options.OutputDirectory));
                if (options.Plots)
                {
                    callbacks.Add(new CurvePlotter(options.OutputDirectory));
                }
                if (options.TensorBoard)
                {
                    callbacks.Add(new TensorBoardTrainingLogger(Path.Combine(options.OutputDirectory, "tensorboard")));
                }
            }
            var averager = context.WorldSize > 1 ? new BucketedGradientAverager(context) : null;
            using var trainer = new YoloXTrainer(network, batches, data.ClassNames, recipe, options, evaluator, callbacks,
                context, gradientAverager: averager);
            if (checkpoint is not null)
            {
                trainer.Resume(checkpoint);
            }
            var result = bar is null ? trainer.Train(ct) : bar.Show(() => trainer.Train(ct));
            if (result.Reason == TrainingStopReason.Cancelled)
            {
                error.WriteLine($"stopped; continue with: yolox train ... --resume {result.OutputDirectory}");
                return 130;
            }
            return 0;
        }
        catch (DatasetFormatException e)
        {
            error.WriteLine($"error: {e.Message}");
            return 2;
        }
        catch (TrainingDivergedException e)
        {
            error.WriteLine($"error: {e.Message}");
            return 3;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or ArgumentException
            or CheckpointFormatException or YoloX.Core.Weights.WeightsFormatException or YoloX.Core.Weights.WeightsMismatchException
            or InvalidOperationException or NotSupportedException or IOException or UnauthorizedAccessException
            or TrainingRecipeException or YoloX.Training.Optimization.TrainingStateException)
        {
            error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    /// <summary>The official split of the global batch (<c>-b</c>) over the devices: it must divide evenly.</summary>
    private static int PerRankBatch(int globalBatch, int worldSize)
    {
        if (globalBatch % worldSize != 0 || globalBatch < worldSize)
        {
            throw new ArgumentException($"the batch {globalBatch} (images per iteration over all ranks) cannot be split evenly over {worldSize} ranks; give --batch a multiple of {worldSize}");
        }
        return globalBatch / worldSize;
    }

    private static string ResumePath(string path) =>
        Directory.Exists(path) ? Path.Combine(path, TrainingCheckpoint.FileName(CheckpointKind.Latest)) : path;

    private static YoloXPreset ResolvePreset(Settings s, TrainingCheckpointData? resumed)
    {
        if (s.Model is { } m && OfficialWeights.TryParsePreset(m, out var preset))
        {
            return preset;
        }
        if (resumed?.Config.Preset is { } fromCheckpoint)
        {
            return fromCheckpoint;
        }
        throw new ArgumentException("give --model (nano, tiny, s, m, l, x, darknet53)");
    }

    /// <summary>Reads the dataset and stops with the validator's report when it has errors.</summary>
    private static DetectionDataset? ReadChecked(string path, DatasetFormat format, DatasetReadOptions options, TextWriter error)
    {
        var data = DatasetIO.Read(path, format, options with { Lenient = true });
        if (format != DatasetFormat.Coco)
        {
            data = data.WithoutZeroAreaBoxes(out var dropped);
            if (dropped > 0)
            {
                error.WriteLine($"note: {dropped} zero-area box(es) left out");
            }
        }
        var report = DatasetValidator.Validate(data, checkImages: true);
        if (!report.IsValid)
        {
            error.Write(report.Format());
            error.WriteLine("error: the dataset has errors (above); fix them or check it with: yolox dataset check");
            return null;
        }
        if (data.Images.Count == 0)
        {
            error.WriteLine("error: the dataset has no images");
            return null;
        }
        return data;
    }

    /// <summary>The preset's official recipe, then the recipe file, the -o overrides and the explicit options.</summary>
    private static TrainingRecipe BuildRecipe(Settings s, YoloXPreset preset, TrainingCheckpointData? resumed)
    {
        var recipe = TrainingRecipe.ForPreset(preset);
        if (s.Recipe is { } file)
        {
            recipe = File.Exists(file) ? TrainingRecipe.Load(file, recipe) : TrainingRecipe.LoadShipped(file);
        }
        recipe = recipe.WithOverrides(s.Overrides);
        if (s.Epochs is { } e)
        {
            recipe = recipe with { MaxEpoch = e };
        }
        if (s.Batch is { } b)
        {
            recipe = recipe with { BatchSize = b };
        }
        if (s.InputSize is { } size)
        {
            recipe = recipe with { InputSize = (size, size), TestSize = (size, size) };
        }
        if (s.Seed is { } seed)
        {
            recipe = recipe with { Seed = seed };
        }
        else if (resumed is not null)
        {
            recipe = recipe with { Seed = resumed.Progress.Seed };
        }
        return recipe.Validate();
    }

    private static YoloXModel CreateModel(YoloXPreset preset, int classes, int size, string? weights, TextWriter output)
    {
        var model = YoloXModel.Create(YoloXConfig.FromPreset(preset, classes) with { InputSize = size });
        try
        {
            if (weights is not null)
            {
                var path = File.Exists(weights) ? weights : new WeightsResolver().ResolveAsync(
                    weights, weights.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) ? WeightsFormat.Onnx : WeightsFormat.PyTorch)
                    .GetAwaiter().GetResult();
                var report = PretrainedWeights.LoadInto(model, path);
                output.WriteLine(PretrainedWeights.Describe(report, path));
            }
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static ModelEvaluationRunner? CreateEvaluator(Settings s, DatasetFormat format, DatasetReadOptions readOptions,
        DetectionDataset train, TrainingRecipe recipe, TextWriter error)
    {
        DetectionDataset? eval = null;
        if (s.EvalDataset is { } path)
        {
            eval = DatasetIO.Read(path, format, readOptions with { Split = null });
        }
        else if (s.EvalSplit is { } split)
        {
            eval = DatasetIO.Read(s.Dataset!, format, readOptions with { Split = split });
        }
        if (eval is null)
        {
            error.WriteLine("note: no --eval-dataset/--eval-split: no evaluation, no best checkpoint");
            return null;
        }
        if (format != DatasetFormat.Coco)
        {
            eval = eval.WithoutZeroAreaBoxes(out _);
        }
        if (!eval.ClassNames.SequenceEqual(train.ClassNames))
        {
            throw new ArgumentException($"the evaluation classes ({string.Join(", ", eval.ClassNames)}) are not the training classes ({string.Join(", ", train.ClassNames)})");
        }
        return new ModelEvaluationRunner(eval, recipe.TestSize.Height, (float)recipe.TestConf, (float)recipe.NmsThre);
    }
}
