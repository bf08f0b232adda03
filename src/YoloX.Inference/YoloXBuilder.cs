using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using YoloX.Core;
using YoloX.Inference.Backends;
using YoloX.Inference.Processing;
using YoloX.Inference.Weights;

namespace YoloX.Inference;

/// <summary>The inference engines a detector can run on.</summary>
public enum InferenceBackendKind
{
    /// <summary>ONNX Runtime (the fast path on CPU; GPU through execution providers).</summary>
    OnnxRuntime,

    /// <summary>TorchSharp (the same model the trainer trains; CPU or CUDA).</summary>
    Torch,

    /// <summary>A caller-supplied backend factory.</summary>
    Custom,
}

/// <summary>What a backend factory gets from the builder.</summary>
/// <param name="WeightsPath">The resolved weights file.</param>
/// <param name="Preset">The model preset, when given.</param>
/// <param name="InputSize">The input size (width, height) asked for explicitly, if any.</param>
/// <param name="DefaultInputSize">The preset's input size, for models whose input size is not fixed.</param>
/// <param name="Device">The Torch device string (<c>cpu</c>, <c>cuda</c>, <c>cuda:1</c>), for Torch backends.</param>
public sealed record BackendRequest(
    string WeightsPath, YoloXPreset? Preset, (int Width, int Height)? InputSize, (int Width, int Height)? DefaultInputSize, string Device);

/// <summary>
/// The fluent entry point: <c>YoloXBuilder.Create().WithModel(YoloXPreset.Nano).WithWeights("yolox_nano.onnx")
/// .UseOnnxRuntime().WithThresholds(0.3f, 0.45f).BuildDetector()</c>. Every method returns a new builder (the
/// builder is immutable and can be shared); settings are validated together by <see cref="BuildDetector"/>.
/// </summary>
public sealed class YoloXBuilder
{
    private readonly Settings _s;

    private YoloXBuilder(Settings settings) => _s = settings;

    /// <summary>The model scale set with <see cref="WithModel"/>, if any (read by extensions such as training).</summary>
    public YoloXPreset? Preset => _s.Preset;

    /// <summary>The weights path or name set with <see cref="WithWeights"/>, if any.</summary>
    public string? Weights => _s.Weights;

    /// <summary>The class names set with <see cref="WithClassNames"/>, if any.</summary>
    public IReadOnlyList<string>? ClassNames => _s.ClassNames;

    /// <summary>The Torch device set with <see cref="UseTorch"/> ("cpu" by default).</summary>
    public string Device => _s.Device;

    /// <summary>A builder with the defaults: ONNX Runtime on CPU, confidence 0.3, NMS 0.45, up to 300 boxes.</summary>
    public static YoloXBuilder Create() => new(new Settings());

    /// <summary>Chooses the model size; it sets the default input size (Nano/Tiny 416, others 640) and the official weights name.</summary>
    public YoloXBuilder WithModel(YoloXPreset preset) => new(_s with { Preset = preset });

    /// <summary>A weights file path, or an official name resolved from the weights folder or downloaded (e.g. <c>yolox_nano.onnx</c>).</summary>
    public YoloXBuilder WithWeights(string pathOrName) => new(_s with { Weights = pathOrName });

    /// <summary>Where to look for and download weights (folder, cache, download address).</summary>
    public YoloXBuilder WithWeightsResolver(WeightsResolverOptions options) => new(_s with { Resolver = options });

    /// <summary>Runs on ONNX Runtime (the default).</summary>
    public YoloXBuilder UseOnnxRuntime(OnnxRuntimeOptions? options = null) =>
        new(_s with { Backend = InferenceBackendKind.OnnxRuntime, Onnx = options ?? OnnxRuntimeOptions.Default });

    /// <summary>Runs on TorchSharp on <paramref name="device"/> (<c>cpu</c>, <c>cuda</c>, <c>cuda:N</c>).</summary>
    /// <param name="device">The Torch device.</param>
    /// <param name="threads">libtorch's intra-op CPU threads (a process-wide libtorch setting); default libtorch's.</param>
    public YoloXBuilder UseTorch(string device = "cpu", int? threads = null) =>
        new(_s with { Backend = InferenceBackendKind.Torch, Device = device, TorchThreads = threads });

    /// <summary>Runs on a caller-supplied backend created from the resolved weights.</summary>
    public YoloXBuilder UseBackend(Func<BackendRequest, IInferenceBackend> factory) =>
        new(_s with { Backend = InferenceBackendKind.Custom, Factory = factory });

    /// <summary>Confidence threshold (objectness × class probability) and NMS IoU threshold.</summary>
    public YoloXBuilder WithThresholds(float confidence, float nms) => new(_s with { Confidence = confidence, Nms = nms });

    /// <summary>A square input size (a multiple of 32).</summary>
    public YoloXBuilder WithInputSize(int size) => WithInputSize(size, size);

    /// <summary>An input size (multiples of 32).</summary>
    public YoloXBuilder WithInputSize(int width, int height) => new(_s with { InputSize = (width, height) });

    /// <summary>Class names by class id; their count must equal the model's class count.</summary>
    public YoloXBuilder WithClassNames(IEnumerable<string> names) => new(_s with { ClassNames = [.. names] });

    /// <summary>Keeps at most <paramref name="count"/> detections per image.</summary>
    public YoloXBuilder WithMaxDetections(int count) => new(_s with { MaxDetections = count });

    /// <summary>Suppresses overlapping boxes across classes instead of within each class.</summary>
    public YoloXBuilder WithClassAgnosticNms(bool classAgnostic = true) => new(_s with { ClassAgnostic = classAgnostic });

    /// <summary>Whether boxes are clipped to the image (default true; the official evaluator does not clip).</summary>
    public YoloXBuilder WithBoxClipping(bool clip) => new(_s with { ClipBoxes = clip });

    /// <summary>Most images per forward pass in batch calls (models with a dynamic batch).</summary>
    public YoloXBuilder WithMaxBatchSize(int size) => new(_s with { MaxBatchSize = size });

    /// <summary>Logs weights resolution and model loading (what was loaded, from where, how long it took) to <paramref name="logger"/>.</summary>
    public YoloXBuilder WithLogger(ILogger logger) => new(_s with { Logger = logger });
    /// <summary>
    /// Refuses encoded images larger than <paramref name="pixels"/> (width × height) from their header, before
    /// decoding (default <see cref="ImageDecoder.MaxPixels"/>).
    /// </summary>
    public YoloXBuilder WithMaxImagePixels(long pixels) => new(_s with { MaxImagePixels = pixels });

    /// <summary>Validates the settings and returns the detector options they describe.</summary>
    /// <exception cref="InvalidOperationException">The settings are invalid or contradict each other.</exception>
    public YoloXDetectorOptions BuildOptions()
    {
        Validate();
        return new YoloXDetectorOptions(
            new PostprocessOptions(_s.Confidence, _s.Nms, _s.MaxDetections, _s.ClassAgnostic, _s.ClipBoxes), _s.ClassNames, _s.MaxBatchSize,
            _s.MaxImagePixels);
    }

    /// <summary>Resolves the weights (downloading official ones if needed), loads the model and returns the detector.</summary>
    /// <exception cref="InvalidOperationException">The settings are invalid or contradict each other.</exception>
    /// <exception cref="WeightsNotFoundException">The weights cannot be found or downloaded.</exception>
    /// <exception cref="InvalidModelException">The weights file is not a usable YOLOX detector.</exception>
    public YoloXDetector BuildDetector() => BuildDetectorAsync().GetAwaiter().GetResult();

    /// <summary>Asynchronous <see cref="BuildDetector"/> with download progress and cancellation.</summary>
    public async Task<YoloXDetector> BuildDetectorAsync(
        IProgress<WeightsDownloadProgress>? downloadProgress = null, CancellationToken cancellationToken = default)
    {
        var options = BuildOptions();
        var weights = WeightsName();
        var logger = _s.Logger ?? NullLogger.Instance;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var format = _s.Backend == InferenceBackendKind.OnnxRuntime || weights.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)
            ? WeightsFormat.Onnx : WeightsFormat.PyTorch;
        var path = await new WeightsResolver(_s.Resolver)
            .ResolveAsync(weights, format, downloadProgress, cancellationToken).ConfigureAwait(false);
        var request = new BackendRequest(
            path, _s.Preset, _s.InputSize,
            _s.Preset is { } p ? (OfficialWeights.DefaultInputSize(p), OfficialWeights.DefaultInputSize(p)) : null, _s.Device);
        logger.LogDebug("Loading YOLOX weights {Weights} from {Path} with the {Backend} backend", weights, path, _s.Backend);
        var backend = CreateBackend(request);
        try
        {
            var detector = new YoloXDetector(backend, options);
            logger.LogInformation("Loaded {Source} ({Backend}, input {Width}x{Height}, {Classes} classes) in {Milliseconds:F0} ms",
                detector.Model.Source, detector.Model.Backend, detector.Model.InputWidth, detector.Model.InputHeight,
                detector.Model.ClassCount, clock.Elapsed.TotalMilliseconds);
            return detector;
        }
        catch (ArgumentException e)
        {
            backend.Dispose();
            throw new InvalidOperationException(e.Message, e);
        }
    }

    private IInferenceBackend CreateBackend(BackendRequest request)
    {
        switch (_s.Backend)
        {
            case InferenceBackendKind.OnnxRuntime:
                CheckOnnxPreset(request);
                return new OnnxRuntimeBackend(request.WeightsPath, _s.Onnx, request.InputSize, request.DefaultInputSize);
            case InferenceBackendKind.Torch:
                return TorchBackend.Load(
                    request.WeightsPath, request.Preset, request.Device, request.InputSize ?? request.DefaultInputSize,
                    _s.ClassNames?.Count, _s.TorchThreads);
            default:
                return _s.Factory!(request);
        }
    }

    /// <summary>
    /// ONNX Runtime runs whatever network the file holds, so a preset asked for with WithModel would otherwise be
    /// silently ignored: when the graph is recognisably a YOLOX preset, it must be the one asked for.
    /// </summary>
    private static void CheckOnnxPreset(BackendRequest request)
    {
        if (request.Preset is not { } asked || !File.Exists(request.WeightsPath))
        {
            return;
        }
        YoloXPreset? found;
        try
        {
            found = YoloX.Core.Weights.OnnxWeightsImporter.Inspect(request.WeightsPath).Config.Preset;
        }
        catch (Exception e) when (e is YoloX.Core.Weights.WeightsFormatException or YoloX.Core.Weights.WeightsMismatchException)
        {
            return; // not a recognisable preset (a custom network or another layout): ONNX Runtime's own checks decide
        }
        if (found is { } actual && actual != asked)
        {
            throw new InvalidModelException(request.WeightsPath,
                $"the file holds a YOLOX-{actual} network, but WithModel({asked}) asked for YOLOX-{asked}; choose the matching preset or weights.");
        }
    }

    private string WeightsName()
    {
        if (_s.Weights is { } w)
        {
            return w;
        }
        var format = _s.Backend == InferenceBackendKind.OnnxRuntime ? WeightsFormat.Onnx : WeightsFormat.PyTorch;
        return OfficialWeights.FileName(_s.Preset!.Value, format);
    }

    private void Validate()
    {
        var problems = new List<string>();
        if (_s.Weights is null && _s.Preset is null)
        {
            problems.Add("no weights: call WithWeights(pathOrName) or WithModel(preset) for the official weights");
        }
        if (_s.Weights is { } w && string.IsNullOrWhiteSpace(w))
        {
            problems.Add("the weights path is empty");
        }
        if (_s.Backend == InferenceBackendKind.OnnxRuntime && _s.Weights is { } onnxWeights &&
            Path.GetExtension(onnxWeights).ToLowerInvariant() is ".pth" or ".pt" or ".ckpt" or ".tar")
        {
            problems.Add($"ONNX Runtime runs .onnx files, not '{Path.GetFileName(onnxWeights)}'; use UseTorch() for PyTorch checkpoints");
        }
        if (_s.Preset is { } preset && !Enum.IsDefined(preset))
        {
            problems.Add($"unknown preset {preset}");
        }
        if (!(_s.Confidence >= 0f && _s.Confidence <= 1f))
        {
            problems.Add($"the confidence threshold {_s.Confidence} is not in [0, 1]");
        }
        if (!(_s.Nms > 0f && _s.Nms <= 1f))
        {
            problems.Add($"the NMS threshold {_s.Nms} is not in (0, 1]");
        }
        if (_s.InputSize is { } size && (size.Width <= 0 || size.Height <= 0 || size.Width % 32 != 0 || size.Height % 32 != 0))
        {
            problems.Add($"the input size {size.Width}×{size.Height} is not a positive multiple of 32 (the largest stride)");
        }
        if (_s.MaxDetections <= 0)
        {
            problems.Add($"the maximum number of detections {_s.MaxDetections} is not positive");
        }
        if (_s.MaxImagePixels <= 0)
        {
            problems.Add($"the image pixel limit {_s.MaxImagePixels} is not positive");
        }
        if (_s.TorchThreads is <= 0)
        {
            problems.Add($"the Torch thread count {_s.TorchThreads} is not positive");
        }
        if (_s.MaxBatchSize <= 0)
        {
            problems.Add($"the batch size {_s.MaxBatchSize} is not positive");
        }
        if (_s.ClassNames is { } names && (names.Count == 0 || names.Any(string.IsNullOrWhiteSpace)))
        {
            problems.Add("the class names are empty or contain an empty name");
        }
        if (_s.Backend == InferenceBackendKind.Torch && string.IsNullOrWhiteSpace(_s.Device))
        {
            problems.Add("the Torch device is empty");
        }
        if (_s.Onnx is { } onnx)
        {
            try
            {
                onnx.Validate();
            }
            catch (ArgumentException e)
            {
                problems.Add(e.Message);
            }
        }
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("Invalid YoloX detector settings: " + string.Join("; ", problems) + ".");
        }
    }

    private sealed record Settings
    {
        public YoloXPreset? Preset { get; init; }
        public string? Weights { get; init; }
        public WeightsResolverOptions? Resolver { get; init; }
        public InferenceBackendKind Backend { get; init; } = InferenceBackendKind.OnnxRuntime;
        public OnnxRuntimeOptions Onnx { get; init; } = OnnxRuntimeOptions.Default;
        public string Device { get; init; } = "cpu";
        public Func<BackendRequest, IInferenceBackend>? Factory { get; init; }
        public float Confidence { get; init; } = 0.3f;
        public float Nms { get; init; } = 0.45f;
        public (int Width, int Height)? InputSize { get; init; }
        public IReadOnlyList<string>? ClassNames { get; init; }
        public int MaxDetections { get; init; } = 300;
        public bool ClassAgnostic { get; init; }
        public bool ClipBoxes { get; init; } = true;
        public int MaxBatchSize { get; init; } = 8;
        public ILogger? Logger { get; init; }
        public long MaxImagePixels { get; init; } = ImageDecoder.MaxPixels;
        public int? TorchThreads { get; init; }
    }
}
