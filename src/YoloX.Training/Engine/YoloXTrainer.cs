using System.Diagnostics;
using TorchSharp;
using YoloX.Core;
using YoloX.Core.Loss;
using YoloX.Core.Weights;
using YoloX.Training.Checkpoints;
using YoloX.Training.Data;
using YoloX.Training.Distributed;
using static TorchSharp.torch;

namespace YoloX.Training.Engine;

/// <summary>
/// Trains a YOLOX model with the official loop (<c>yolox/core/trainer.py</c>): warm-up, the no-aug switch for the last
/// epochs (Mosaic/MixUp off, L1 on, evaluation every epoch, a <c>last_mosaic_epoch</c> checkpoint), multiscale sizes
/// every 10 iterations, EMA, evaluation of the EMA model, and <c>latest</c>/<c>best</c> checkpoints that resume
/// exactly. Rank-aware: every rank runs the loop; logs, evaluation and checkpoints happen on rank 0.
/// </summary>
/// <remarks>The trainer does not own the model or the data source; it owns the optimiser it creates.</remarks>
public sealed class YoloXTrainer : IDisposable
{
    private readonly YoloXModel model;
    private readonly ITrainDataSource data;
    private readonly IReadOnlyList<string> classNames;
    private readonly ITrainingEvaluator? evaluator;
    private readonly List<ITrainingCallback> callbacks;
    private readonly IDistributedContext distributed;
    private readonly bool ownsOptimizer;
    private readonly Device device;
    private readonly MultiscaleSizer sizer;
    private bool resumed;

    /// <summary>Creates a trainer.</summary>
    /// <param name="model">The model to train (moved to the options' device; not owned).</param>
    /// <param name="data">This rank's batches (not owned).</param>
    /// <param name="classNames">Class names, one per model class (saved in every checkpoint).</param>
    /// <param name="recipe">The hyper-parameters (validated here); printed at start and saved in every checkpoint.</param>
    /// <param name="options">Output folder, device, freezing, early stopping; defaults when <c>null</c>.</param>
    /// <param name="evaluator">Evaluates the EMA model after epochs; <c>null</c>: no evaluation, no <c>best</c>.</param>
    /// <param name="callbacks">Loggers and hooks.</param>
    /// <param name="distributed">The job's ranks; single-process by default.</param>
    /// <param name="optimizer">The optimiser; by default <see cref="RecipeOptimizer"/> of <paramref name="recipe"/> (owned).</param>
    /// <param name="gradientAverager">Averages gradients across ranks (needed when the world size is above 1).</param>
    public YoloXTrainer(
        YoloXModel model, ITrainDataSource data, IReadOnlyList<string> classNames, TrainingRecipe recipe,
        TrainerOptions? options = null, ITrainingEvaluator? evaluator = null, IEnumerable<ITrainingCallback>? callbacks = null,
        IDistributedContext? distributed = null, ITrainingOptimizer? optimizer = null,
        IGradientAverager? gradientAverager = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentNullException.ThrowIfNull(recipe);
        Recipe = recipe.Validate();
        Options = (options ?? TrainerOptions.Default).Validate();
        if (classNames.Count != model.NumClasses)
        {
            throw new ArgumentException($"{classNames.Count} class names for a model with {model.NumClasses} classes.", nameof(classNames));
        }
        if (model.IsFused)
        {
            throw new ArgumentException("A fused model (BatchNorm folded) cannot be trained; load unfused weights.", nameof(model));
        }
        if (data.BatchesPerEpoch <= 0)
        {
            throw new ArgumentException("The data source yields no batches: the dataset is empty or smaller than one batch.", nameof(data));
        }
        this.distributed = distributed ?? SingleProcessContext.Instance;
        if (this.distributed.WorldSize > 1 && gradientAverager is null && optimizer is null)
        {
            throw new ArgumentException("A job with several ranks needs an IGradientAverager.", nameof(gradientAverager));
        }
        this.model = model;
        this.data = data;
        this.classNames = classNames;
        this.evaluator = evaluator;
        this.callbacks = callbacks?.ToList() ?? [];
        device = torch.device(Options.Device);
        model.to(device);
        if (this.distributed.WorldSize > 1)
        {
            // Every rank starts from rank 0's weights (before the EMA copy is made), as DDP does when it wraps the model.
            ModelSynchronizer.BroadcastState(model, this.distributed);
        }
        if (Options.FreezeBackbone)
        {
            foreach (var p in model.Neck.parameters())
            {
                p.requires_grad = false;
            }
        }
        if (Options.FreezeBatchNorm)
        {
            FreezeBatchNorm(model);
        }
        RecipeText = Recipe.ToYaml();
        ownsOptimizer = optimizer is null;
        Optimizer = optimizer ?? new RecipeOptimizer(model, Recipe, data.BatchesPerEpoch,
            data.BatchSize * this.distributed.WorldSize, this.distributed, gradientAverager);
        sizer = new MultiscaleSizer(Recipe, data.InputSize, this.distributed);
        Progress = TrainingProgress.Start(Recipe.Seed, data.InputSize.Height, data.InputSize.Width);
    }

    /// <summary>The hyper-parameters in force.</summary>
    public TrainingRecipe Recipe { get; }

    /// <summary>How the trainer runs (output, device, freezing, early stopping).</summary>
    public TrainerOptions Options { get; }

    /// <summary>The recipe as YAML (printed at start, saved in checkpoints).</summary>
    public string RecipeText { get; }

    /// <summary>The optimiser (schedule, SGD, EMA).</summary>
    public ITrainingOptimizer Optimizer { get; }

    /// <summary>Where training stands.</summary>
    public TrainingProgress Progress { get; private set; }

    /// <summary>Checkpoints and logs go here.</summary>
    public string OutputDirectory => Path.GetFullPath(Options.OutputDirectory);

    /// <summary>
    /// Continues from a checkpoint (a file, or a folder holding <c>latest_ckpt</c>): model, EMA, momentum, counters,
    /// best AP and multiscale size. A following <see cref="Train(CancellationToken)"/> reproduces the uninterrupted run.
    /// </summary>
    /// <exception cref="CheckpointFormatException">The checkpoint is unreadable or does not fit this model/data.</exception>
    public void Resume(string checkpointOrDirectory)
    {
        var path = Directory.Exists(checkpointOrDirectory)
            ? Path.Combine(checkpointOrDirectory, TrainingCheckpoint.FileName(CheckpointKind.Latest))
            : checkpointOrDirectory;
        using var state = TrainingCheckpoint.Load(path);
        if (state.Config.NumClasses != model.NumClasses || !state.ClassNames.SequenceEqual(classNames))
        {
            throw new CheckpointFormatException(path, $"the checkpoint's classes ({string.Join(", ", state.ClassNames)}) are not the run's ({string.Join(", ", classNames)}).");
        }
        if (state.Progress.Seed != Recipe.Seed)
        {
            throw new CheckpointFormatException(path, $"the checkpoint was trained with seed {state.Progress.Seed}, this run has {Recipe.Seed}; resume with the same seed so the data stream continues.");
        }
        try
        {
            StateDict.Load(model, state.Model);
            Optimizer.LoadState(state.Optimizer, state.Ema, state.Progress.EmaUpdates);
        }
        catch (Exception e) when (e is WeightsMismatchException or ArgumentException)
        {
            throw new CheckpointFormatException(path, "the checkpoint does not fit this model: " + e.Message, e);
        }
        Progress = state.Progress;
        resumed = true;
    }

    /// <summary>
    /// Runs training as <see cref="Train(CancellationToken)"/> does and reports every iteration to
    /// <paramref name="progress"/> (on the training thread; a <see cref="Progress{T}"/> posts it on to its context).
    /// </summary>
    /// <param name="progress">Receives each iteration's <see cref="IterationInfo"/> (epoch, losses, lr, size, times, ETA).</param>
    /// <param name="cancellationToken">Stops at the next iteration boundary after saving a resumable <c>latest</c>.</param>
    /// <exception cref="TrainingDivergedException">The loss stayed non-finite for too many iterations in a row.</exception>
    public TrainingResult Train(IProgress<IterationInfo> progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var reporter = new ProgressReporter(progress);
        callbacks.Add(reporter);
        try
        {
            return Train(cancellationToken);
        }
        finally
        {
            callbacks.Remove(reporter);
        }
    }

    /// <summary>Runs training to the last epoch, an early stop, the time budget, or cancellation.</summary>
    /// <param name="cancellationToken">Stops at the next iteration boundary after saving a resumable <c>latest</c>.</param>
    /// <exception cref="TrainingDivergedException">The loss stayed non-finite for too many iterations in a row.</exception>
    public TrainingResult Train(CancellationToken cancellationToken = default)
    {
        var session = new Session(this, Progress.TrainingSeconds);
        Notify(c => c.OnTrainStart(new TrainingStartInfo(Recipe, RecipeText, Progress, data.BatchesPerEpoch,
            data.BatchSize * distributed.WorldSize, classNames, resumed)));
        if (Options.TuneNativeAllocator)
        {
            var allocator = NativeAllocatorTuning.EnsureApplied();
            Notify(c => c.OnMessage(allocator));
        }
        var reason = TrainingStopReason.Completed;
        while (Progress.Epoch < Recipe.MaxEpoch)
        {
            var epoch = Progress.Epoch;
            BeforeEpoch(epoch);
            var summary = RunEpoch(epoch, session, cancellationToken);
            if (summary is null)
            {
                Progress = Progress with { TrainingSeconds = session.Seconds };
                Save(CheckpointKind.Latest);
                reason = TrainingStopReason.Cancelled;
                break;
            }
            if (AfterEpoch(summary, session, cancellationToken) is { } stop)
            {
                reason = stop;
                break;
            }
        }
        var result = new TrainingResult(reason, Progress, OutputDirectory);
        Notify(c => c.OnTrainEnd(result));
        return result;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (ownsOptimizer)
        {
            Optimizer.Dispose();
        }
    }

    private bool UseL1(int epoch) => Recipe.IsNoAugEpoch(epoch);

    /// <summary>The official <c>before_epoch</c>: at the no-aug switch close Mosaic, turn L1 on, keep the last Mosaic state.</summary>
    private void BeforeEpoch(int epoch)
    {
        if (Recipe.IsNoAugEpoch(epoch) && data.MosaicEnabled)
        {
            data.CloseMosaic();
            Notify(c => c.OnMessage("--->No mosaic aug now!"));
            Notify(c => c.OnMessage("--->Add additional L1 loss now!"));
            if (epoch == Recipe.NoAugSwitchEpoch && Progress.BatchInEpoch == 0 && Progress.Iteration > 0)
            {
                Save(CheckpointKind.LastMosaicEpoch);
            }
        }
        Notify(c => c.OnEpochStart(epoch));
    }

    private EpochSummary? RunEpoch(int epoch, Session session, CancellationToken cancellationToken)
    {
        var epochStart = Stopwatch.GetTimestamp();
        var sums = new double[5];
        var finite = 0;
        var skipped = 0;
        var lr = 0.0;
        using var batches = data.ReadEpoch(epoch, Progress.BatchInEpoch, cancellationToken).GetEnumerator();
        while (Progress.BatchInEpoch < data.BatchesPerEpoch)
        {
            if (StopRequested(cancellationToken))
            {
                return null;
            }
            var iterationStart = Stopwatch.GetTimestamp();
            TrainBatch batch;
            try
            {
                if (!batches.MoveNext())
                {
                    break;
                }
                batch = batches.Current;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return null;
            }
            var dataTime = Stopwatch.GetElapsedTime(iterationStart);
            lr = Optimizer.LearningRate(Progress.Iteration);
            var (height, width) = (Progress.InputHeight, Progress.InputWidth);
            TrainingStepResult result;
            using (batch)
            {
                result = Step(batch, lr, UseL1(epoch)); // copies the batch into tensors; its arrays go back to the pool
            }
            Accumulate(result, sums, ref finite, ref skipped, session);
            var iteration = Progress.Iteration;
            Progress = Progress with
            {
                BatchInEpoch = Progress.BatchInEpoch + 1,
                Iteration = iteration + 1,
                EmaUpdates = Optimizer.EmaUpdates,
            };
            if (sizer.AfterIteration(iteration) is { } size)
            {
                Progress = Progress with { InputHeight = size.Height, InputWidth = size.Width };
            }
            var info = session.Iteration(epoch, Progress.BatchInEpoch - 1, iteration, result, lr, height, width,
                Stopwatch.GetElapsedTime(iterationStart), dataTime, batch.BatchSize * distributed.WorldSize);
            Notify(c => c.OnIterationEnd(info));
            if (session.ConsecutiveNonFinite >= Recipe.MaxNonFiniteSteps)
            {
                throw new TrainingDivergedException(
                    $"The loss was NaN/Inf for {session.ConsecutiveNonFinite} iterations in a row (up to iteration {Progress.Iteration}); " +
                    "training stopped. Lower the learning rate, check the labels (yolox dataset check), or resume from the latest checkpoint.");
            }
        }
        var n = Math.Max(finite, 1);
        return new EpochSummary(epoch, sums[0] / n, sums[1] / n, sums[2] / n, sums[3] / n, sums[4] / n, lr, skipped,
            Stopwatch.GetElapsedTime(epochStart), null);
    }

    private TrainingStepResult Step(TrainBatch batch, double lr, bool useL1)
    {
        using var scope = torch.NewDisposeScope();
        var images = HostTensors.FromFloats(batch.Images, [batch.BatchSize, 3, batch.Height, batch.Width]).to(device);
        var targets = HostTensors.FromFloats(batch.Targets, [batch.BatchSize, batch.MaxLabels, 5]).to(device);
        (images, targets) = Resize(images, targets, Progress.InputHeight, Progress.InputWidth);
        return Optimizer.Step(images, targets, lr, useL1);
    }

    /// <summary>The official <c>preprocess</c>: bilinear resize of the batch to the multiscale size, boxes scaled along.</summary>
    private static (Tensor Images, Tensor Targets) Resize(Tensor images, Tensor targets, int height, int width)
    {
        var (h, w) = (images.shape[2], images.shape[3]);
        if (h == height && w == width)
        {
            return (images, targets);
        }
        var scaleY = height / (double)h;
        var scaleX = width / (double)w;
        var resized = nn.functional.interpolate(images, [height, width], mode: InterpolationMode.Bilinear, align_corners: false);
        var scale = torch.tensor(new[] { 1f, (float)scaleX, (float)scaleY, (float)scaleX, (float)scaleY }).to(targets.device);
        return (resized, targets * scale);
    }

    private void Accumulate(TrainingStepResult result, double[] sums, ref int finite, ref int skipped, Session session)
    {
        if (result.Skipped)
        {
            skipped++;
            session.ConsecutiveNonFinite++;
            var message = $"non-finite loss at iteration {Progress.Iteration + 1} ({result.Loss}): step skipped ({session.ConsecutiveNonFinite} in a row)";
            Notify(c => c.OnMessage(message));
            return;
        }
        session.ConsecutiveNonFinite = 0;
        finite++;
        LossValues l = result.Loss;
        sums[0] += l.Total;
        sums[1] += l.IoU;
        sums[2] += l.L1;
        sums[3] += l.Objectness;
        sums[4] += l.Classification;
    }

    private TrainingStopReason? AfterEpoch(EpochSummary summary, Session session, CancellationToken cancellationToken)
    {
        var epoch = summary.Epoch;
        AverageBatchNormStatistics();
        TrainingEvaluation? evaluation = null;
        var interval = Recipe.IsNoAugEpoch(epoch) ? Recipe.NoAugEvalInterval : Recipe.EvalInterval;
        if (evaluator is not null && (epoch + 1) % interval == 0)
        {
            evaluation = Evaluate(epoch, cancellationToken);
        }
        Progress = Progress with { Epoch = epoch + 1, BatchInEpoch = 0, TrainingSeconds = session.Seconds };
        if (evaluation is { Improved: true })
        {
            Save(CheckpointKind.Best);
        }
        Save(CheckpointKind.Latest);
        if (Options.SaveEveryEpochs > 0 && (epoch + 1) % Options.SaveEveryEpochs == 0)
        {
            Save(CheckpointKind.Epoch);
        }
        Notify(c => c.OnEpochEnd(summary with { Evaluation = evaluation }));
        if (Progress.Epoch >= Recipe.MaxEpoch)
        {
            return null;
        }
        if (Options.EarlyStoppingPatience > 0 && Progress.EpochsWithoutImprovement >= Options.EarlyStoppingPatience)
        {
            Notify(c => c.OnMessage($"early stopping: no better AP in {Progress.EpochsWithoutImprovement} evaluations (best {Progress.BestAp:F4})"));
            return TrainingStopReason.EarlyStopped;
        }
        if (Options.TimeBudget is { } budget && Progress.TrainingSeconds >= budget.TotalSeconds)
        {
            Notify(c => c.OnMessage($"time budget of {budget} used up after epoch {epoch + 1}"));
            return TrainingStopReason.TimeBudget;
        }
        return null;
    }

    /// <summary>
    /// The official <c>all_reduce_norm</c>, done at every epoch end (before evaluation and checkpoints): each rank's
    /// BatchNorm running statistics came from its own shard, so the model's and the EMA's are averaged over the ranks;
    /// rank 0 then evaluates and saves the job's statistics and every rank holds the same state. A rank whose statistics
    /// went non-finite (the forward of a skipped NaN step still updates them) is left out of the mean.
    /// </summary>
    private void AverageBatchNormStatistics()
    {
        if (distributed.WorldSize == 1)
        {
            return;
        }
        BatchNormStatistics.AllReduceMean(model, distributed, excludeNonFiniteRanks: true);
        if (Optimizer.Ema is { } ema)
        {
            BatchNormStatistics.AllReduceMean(ema, distributed, excludeNonFiniteRanks: true);
        }
    }

    /// <summary>Evaluates the EMA model on rank 0 and shares the statistics, so every rank agrees on best and early stop.</summary>
    private TrainingEvaluation Evaluate(int epoch, CancellationToken cancellationToken)
    {
        var values = new double[13];
        if (distributed.IsMain)
        {
            var (coco, voc) = evaluator!.Evaluate(Optimizer.EvaluationModel, cancellationToken);
            coco.Take(12).ToArray().CopyTo(values, 0);
            values[12] = voc ?? double.NaN;
        }
        distributed.Broadcast(values.AsSpan());
        var ap = values[0];
        var improved = ap > Progress.BestAp;
        Progress = Progress with
        {
            BestAp = Math.Max(Progress.BestAp, ap),
            LastAp = ap,
            EpochsWithoutImprovement = improved ? 0 : Progress.EpochsWithoutImprovement + 1,
        };
        var evaluation = new TrainingEvaluation(epoch, values[..12], double.IsNaN(values[12]) ? null : values[12], improved);
        Notify(c => c.OnEvaluationEnd(evaluation));
        return evaluation;
    }

    /// <summary>Cancellation agreed by all ranks (any rank's request stops every rank at the same iteration).</summary>
    private bool StopRequested(CancellationToken cancellationToken)
    {
        Span<long> flag = [cancellationToken.IsCancellationRequested ? 1 : 0];
        distributed.AllReduceSum(flag);
        return flag[0] != 0;
    }

    /// <summary>Writes a checkpoint on rank 0; a failure is reported and leaves the previous file intact.</summary>
    private void Save(CheckpointKind kind)
    {
        if (distributed.IsMain)
        {
            var path = Path.Combine(OutputDirectory, TrainingCheckpoint.FileName(kind, Progress.Epoch));
            CheckpointSavedInfo info;
            if (kind == CheckpointKind.Best && File.Exists(path) && ExistingBestAp(path) is { } existing && existing >= Progress.LastAp)
            {
                Notify(c => c.OnMessage($"best checkpoint kept: it has AP {existing:F4} ≥ {Progress.LastAp:F4}"));
                distributed.Barrier();
                return;
            }
            try
            {
                using var scope = torch.NewDisposeScope(); // the exported optimiser state is a set of fresh CPU copies
                TrainingCheckpoint.Save(path, model, Optimizer.Ema, Optimizer.StateTensors(), Progress, classNames, RecipeText);
                info = new CheckpointSavedInfo(kind, path, Progress);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                info = new CheckpointSavedInfo(kind, path, Progress, e);
                Notify(c => c.OnMessage($"saving {Path.GetFileName(path)} failed, the previous file is intact: {e.Message}"));
            }
            Notify(c => c.OnCheckpointSaved(info));
        }
        distributed.Barrier();
    }

    private static double? ExistingBestAp(string path)
    {
        try
        {
            return TrainingCheckpoint.ReadProgress(path).LastAp;
        }
        catch (Exception e) when (e is CheckpointFormatException or IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// Keeps every BatchNorm in eval mode (running statistics used, not updated) even though the training step puts the
    /// model in train mode: a pre-forward hook on the pyramid network switches them back before each forward pass.
    /// </summary>
    private static void FreezeBatchNorm(YoloXModel model)
    {
        var norms = model.modules().OfType<TorchSharp.Modules.BatchNorm2d>().ToList();
        model.Neck.register_forward_pre_hook((_, input) =>
        {
            foreach (var bn in norms)
            {
                bn.eval();
            }
            return input;
        });
    }

    private void Notify(Action<ITrainingCallback> action)
    {
        foreach (var callback in callbacks)
        {
            action(callback);
        }
    }

    /// <summary>Per-call bookkeeping: wall time across resumes, ETA, the non-finite streak.</summary>
    private sealed class Session(YoloXTrainer trainer, double secondsBefore)
    {
        private readonly long start = Stopwatch.GetTimestamp();
        private double iterationSeconds;
        private long iterations;

        public int ConsecutiveNonFinite { get; set; }

        public double Seconds => secondsBefore + Stopwatch.GetElapsedTime(start).TotalSeconds;

        public IterationInfo Iteration(int epoch, int batch, long iteration, TrainingStepResult result, double lr,
            int height, int width, TimeSpan time, TimeSpan dataTime, int images)
        {
            iterationSeconds += time.TotalSeconds;
            iterations++;
            var total = (long)trainer.Recipe.MaxEpoch * trainer.data.BatchesPerEpoch;
            var eta = TimeSpan.FromSeconds(iterationSeconds / iterations * Math.Max(0, total - iteration - 1));
            var memory = Environment.WorkingSet / (1024.0 * 1024.0);
            return new IterationInfo(epoch, trainer.Recipe.MaxEpoch, batch, trainer.data.BatchesPerEpoch, iteration,
                result.Loss, lr, height, width, time, dataTime, images / Math.Max(time.TotalSeconds, 1e-9), memory, eta,
                result.Skipped);
        }
    }

    /// <summary>Forwards iterations to an <see cref="IProgress{T}"/> for one <see cref="Train(IProgress{IterationInfo}, CancellationToken)"/> call.</summary>
    private sealed class ProgressReporter(IProgress<IterationInfo> progress) : ITrainingCallback
    {
        public void OnIterationEnd(IterationInfo info) => progress.Report(info);
    }
}
