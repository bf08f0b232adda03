using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using YoloX.Inference.Processing;

namespace YoloX.Inference.Backends;

/// <summary>
/// Runs a YOLOX ONNX file (e.g. the official <c>yolox_nano.onnx</c>) with ONNX Runtime. The input name and shape
/// are read from the model; a file whose input is not [B, 3, H, W] or whose output is not [B, N, 5 + C] with N
/// matching strides 8/16/32 is rejected with <see cref="InvalidModelException"/>. Thread-safe.
/// </summary>
public sealed class OnnxRuntimeBackend : IInferenceBackend
{
    private readonly InferenceSession _session;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly RunOptions _runOptions = new();
    private readonly bool _nmsOutput;
    private bool _disposed;

    /// <summary>Loads <paramref name="modelPath"/>.</summary>
    /// <param name="modelPath">The ONNX file.</param>
    /// <param name="options">Session settings; <see cref="OnnxRuntimeOptions.Default"/> when null.</param>
    /// <param name="requiredSize">An input size (width, height) the caller insists on: a static model input must equal it.</param>
    /// <param name="fallbackSize">The input size to use when the model's input size is dynamic and none is required.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidModelException">The file is not a valid ONNX model or not a YOLOX detector.</exception>
    /// <exception cref="ExecutionProviderUnavailableException">The requested execution provider is not in this ONNX Runtime build.</exception>
    public OnnxRuntimeBackend(string modelPath, OnnxRuntimeOptions? options = null, (int Width, int Height)? requiredSize = null, (int Width, int Height)? fallbackSize = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        options ??= OnnxRuntimeOptions.Default;
        options.Validate();
        if (!File.Exists(modelPath))
        {
            throw new FileNotFoundException($"ONNX model '{modelPath}' does not exist.", modelPath);
        }
        using var sessionOptions = CreateSessionOptions(options);
        _session = Load(modelPath, sessionOptions);
        try
        {
            (Model, _inputNames, _outputNames, _nmsOutput) = Describe(modelPath, options, requiredSize, fallbackSize);
        }
        catch
        {
            _session.Dispose();
            _runOptions.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public ModelDescription Model { get; }

    /// <summary>The execution providers of the loaded ONNX Runtime build.</summary>
    public static IReadOnlyList<string> AvailableProviders => OrtEnv.Instance().GetAvailableProviders();

    /// <inheritdoc/>
    public void Run(ReadOnlyMemory<float> input, int batchSize, Memory<float> output, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (batchSize <= 0 || batchSize > Model.MaxBatchSize || (Model.FixedBatch && batchSize != Model.MaxBatchSize))
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"The model '{Model.Source}' takes {(Model.FixedBatch ? "exactly" : "at most")} {Model.MaxBatchSize} images per run.");
        }
        if (input.Length < batchSize * Model.InputLength || output.Length < batchSize * Model.OutputLength)
        {
            throw new ArgumentException($"Input/output buffers are too small for a batch of {batchSize}.");
        }
        if (_nmsOutput)
        {
            RunWithNms(input, batchSize, output, cancellationToken);
            return;
        }
        // Both tensors wrap our (pinned) managed buffers: ONNX Runtime reads and writes them in place, no copies.
        using var inputValue = OrtValue.CreateTensorValueFromMemory(
            OrtMemoryInfo.DefaultInstance, MemoryMarshal.AsMemory(input[..(batchSize * Model.InputLength)]),
            [batchSize, 3, Model.InputHeight, Model.InputWidth]);
        using var outputValue = OrtValue.CreateTensorValueFromMemory(
            OrtMemoryInfo.DefaultInstance, output[..(batchSize * Model.OutputLength)],
            [batchSize, Model.AnchorCount, 5 + Model.ClassCount]);
        if (!cancellationToken.CanBeCanceled)
        {
            _session.Run(_runOptions, _inputNames, [inputValue], _outputNames, [outputValue]);
            return;
        }
        cancellationToken.ThrowIfCancellationRequested();
        using var runOptions = new RunOptions();
        using var registration = cancellationToken.Register(() => runOptions.Terminate = true);
        try
        {
            _session.Run(runOptions, _inputNames, [inputValue], _outputNames, [outputValue]);
        }
        catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
    }

    /// <summary>
    /// A file exported with NMS in the graph returns [K, 7] detections of unknown K: let ONNX Runtime allocate it,
    /// then lay it out as decoded rows (<see cref="NmsOutputAdapter"/>).
    /// </summary>
    private void RunWithNms(ReadOnlyMemory<float> input, int batchSize, Memory<float> output, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var inputValue = OrtValue.CreateTensorValueFromMemory(
            OrtMemoryInfo.DefaultInstance, MemoryMarshal.AsMemory(input[..(batchSize * Model.InputLength)]),
            [batchSize, 3, Model.InputHeight, Model.InputWidth]);
        using var results = _session.Run(_runOptions, _inputNames, [inputValue], _outputNames);
        var detections = results[0];
        var shape = detections.GetTensorTypeAndShape().Shape;
        if (shape.Length != 2 || shape[1] != 7)
        {
            throw new InvalidModelException(Model.Source, $"its NMS output is [{string.Join(", ", shape)}], not [K, 7].");
        }
        NmsOutputAdapter.Scatter(detections.GetTensorDataAsSpan<float>(), batchSize, Model.AnchorCount, Model.ClassCount, output.Span);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _session.Dispose();
        _runOptions.Dispose();
    }

    private static SessionOptions CreateSessionOptions(OnnxRuntimeOptions options)
    {
        var available = AvailableProviders;
        if (!available.Contains(options.ProviderName))
        {
            throw new ExecutionProviderUnavailableException(options.ProviderName, available);
        }
        var so = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        try
        {
            if (options.IntraOpThreads is { } intra)
            {
                so.IntraOpNumThreads = intra;
            }
            if (options.InterOpThreads is { } inter)
            {
                so.InterOpNumThreads = inter;
            }
            switch (options.ExecutionProvider)
            {
                case OnnxExecutionProvider.Cuda: so.AppendExecutionProvider_CUDA(options.DeviceId); break;
                case OnnxExecutionProvider.TensorRT: so.AppendExecutionProvider_Tensorrt(options.DeviceId); break;
                case OnnxExecutionProvider.DirectML: so.AppendExecutionProvider_DML(options.DeviceId); break;
                case OnnxExecutionProvider.OpenVINO: so.AppendExecutionProvider_OpenVINO(); break;
                case OnnxExecutionProvider.ROCm: so.AppendExecutionProvider_ROCm(options.DeviceId); break;
                case OnnxExecutionProvider.Dnnl: so.AppendExecutionProvider_Dnnl(); break;
                default: break;
            }
            return so;
        }
        catch (OnnxRuntimeException e)
        {
            so.Dispose();
            throw new ExecutionProviderUnavailableException(options.ProviderName + $" (device {options.DeviceId}): {e.Message}", available);
        }
    }

    private static InferenceSession Load(string modelPath, SessionOptions sessionOptions)
    {
        try
        {
            return new InferenceSession(modelPath, sessionOptions);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidModelException(modelPath, $"ONNX Runtime cannot load it ({e.Message.Trim()}).", e);
        }
    }

    private (ModelDescription, string[], string[], bool) Describe(string modelPath, OnnxRuntimeOptions options, (int Width, int Height)? required, (int Width, int Height)? fallback)
    {
        if (_session.InputMetadata.Count != 1)
        {
            throw new InvalidModelException(modelPath, $"it has {_session.InputMetadata.Count} inputs; a YOLOX detector has one image input [B, 3, H, W].");
        }
        var (inputName, input) = _session.InputMetadata.First();
        var dims = input.Dimensions;
        if (input.ElementDataType != TensorElementType.Float || dims.Length != 4 || dims[1] != 3)
        {
            throw new InvalidModelException(modelPath, $"its input '{inputName}' is {input.ElementDataType} [{string.Join(", ", dims)}]; a YOLOX detector takes float [B, 3, H, W].");
        }
        var metadata = _session.ModelMetadata.CustomMetadataMap;
        // A file with dynamic height and width that records its nominal size (our exporter does) needs no size from the caller.
        var stored = ModelMetadataReader.InputSize(metadata);
        var height = Resolve(modelPath, "height", dims[2], required?.Height, stored?.Height ?? fallback?.Height);
        var width = Resolve(modelPath, "width", dims[3], required?.Width, stored?.Width ?? fallback?.Width);
        var (outputName, output) = _session.OutputMetadata.First();
        var od = output.Dimensions;
        if (ModelMetadataReader.Flag(metadata, "nms") == true)
        {
            return (DescribeNms(modelPath, options, metadata, dims, width, height, output), [inputName], [outputName], true);
        }
        if (output.ElementDataType != TensorElementType.Float || od.Length != 3 || od[2] < 6)
        {
            throw new InvalidModelException(modelPath, $"its output '{outputName}' is {output.ElementDataType} [{string.Join(", ", od)}]; a YOLOX detector returns float [B, N, 5 + C] with C ≥ 1 classes.");
        }
        var anchors = AnchorGrid.CountFor(width, height);
        if (od[1] > 0 && od[1] != anchors)
        {
            throw new InvalidModelException(modelPath, $"its output has {od[1]} rows per image, but a {width}×{height} input with strides 8/16/32 gives {anchors} anchors.");
        }
        if (dims[0] > 0 && od[0] > 0 && dims[0] != od[0])
        {
            throw new InvalidModelException(modelPath, $"its input batch {dims[0]} differs from its output batch {od[0]}.");
        }
        var names = ModelMetadataReader.ClassNames(metadata);
        var classCount = od[2] - 5;
        if (names is not null && names.Count != classCount)
        {
            names = null; // Names that do not fit the output are ignored rather than mislabelling boxes.
        }
        var decoded = options.OutputDecoded ?? ModelMetadataReader.Decoded(metadata) ?? false;
        var description = new ModelDescription(
            modelPath, $"onnxruntime ({options.ProviderName})", width, height,
            dims[0] > 0 ? dims[0] : int.MaxValue, dims[0] > 0, anchors, classCount, decoded, names);
        return (description, [inputName], [outputName], false);
    }

    /// <summary>An export with NMS in the graph: [K, 7] output; class count and row cap come from its metadata.</summary>
    private static ModelDescription DescribeNms(string modelPath, OnnxRuntimeOptions options, IReadOnlyDictionary<string, string> metadata,
        int[] dims, int width, int height, NodeMetadata output)
    {
        var od = output.Dimensions;
        if (output.ElementDataType != TensorElementType.Float || od.Length != 2 || od[1] != 7)
        {
            throw new InvalidModelException(modelPath, $"its metadata says nms, but its output is {output.ElementDataType} [{string.Join(", ", od)}], not float [K, 7].");
        }
        var classCount = ModelMetadataReader.Integer(metadata, "num_classes")
            ?? throw new InvalidModelException(modelPath, "its metadata says nms but has no num_classes.");
        var rows = ModelMetadataReader.Integer(metadata, "max_detections") ?? 300;
        if (classCount < 1 || rows < 1)
        {
            throw new InvalidModelException(modelPath, $"its metadata has num_classes {classCount} and max_detections {rows}; both must be positive.");
        }
        var names = ModelMetadataReader.ClassNames(metadata);
        return new ModelDescription(
            modelPath, $"onnxruntime ({options.ProviderName}, NMS in graph)", width, height,
            dims[0] > 0 ? dims[0] : int.MaxValue, dims[0] > 0, rows, classCount, OutputDecoded: true,
            names is not null && names.Count == classCount ? names : null);
    }

    private static int Resolve(string modelPath, string what, int modelDim, int? requested, int? fallback)
    {
        if (modelDim > 0)
        {
            if (requested is { } r && r != modelDim)
            {
                throw new InvalidModelException(modelPath, $"its input {what} is fixed at {modelDim}, but an input size of {r} was requested.");
            }
            return modelDim;
        }
        return requested ?? fallback ?? throw new InvalidModelException(modelPath, $"its input {what} is dynamic; give an input size (e.g. WithInputSize(640)).");
    }
}
