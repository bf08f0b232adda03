using TorchSharp;
using YoloX.Core;
using YoloX.Core.Weights;
using static TorchSharp.torch;

namespace YoloX.Inference.Backends;

/// <summary>
/// Runs the YoloX.Core TorchSharp model (fused, eval mode, decoding in the network) on a CPU or CUDA device. The
/// same network the trainer trains; weights from our checkpoints, official <c>.pth</c> files or official ONNX files.
/// </summary>
public sealed class TorchBackend : IInferenceBackend
{
    private readonly YoloXModel model;
    private readonly Device device;
    private readonly ScalarType dtype;
    private readonly UseGate gate = new(nameof(TorchBackend));

    /// <summary>
    /// Wraps an existing model (it is fused and put in eval mode; the backend owns it from now on). The model runs in
    /// its own floating-point type: a float64 model (a reference for parity tests) gets its input converted and its
    /// output rounded back to float32.
    /// </summary>
    /// <param name="model">The network.</param>
    /// <param name="source">Where the weights came from (for messages).</param>
    /// <param name="device">The device to run on.</param>
    /// <param name="inputSize">Input (width, height); multiples of the largest stride. Default: the model's input size.</param>
    /// <param name="classNames">Class names stored with the weights, if any.</param>
    public TorchBackend(YoloXModel model, string source, Device device, (int Width, int Height)? inputSize = null,
        IReadOnlyList<string>? classNames = null)
    {
        this.model = model;
        this.device = device;
        var (w, h) = inputSize ?? (model.Config.InputSize, model.Config.InputSize);
        var maxStride = model.Config.Strides.Max();
        if (w <= 0 || h <= 0 || w % maxStride != 0 || h % maxStride != 0)
        {
            throw new ArgumentException($"Input size {w}×{h} must be positive multiples of {maxStride}.", nameof(inputSize));
        }
        model.eval();
        if (!model.IsFused)
        {
            model.Fuse();
        }
        model.Head.DecodeInInference = true;
        model.to(device);
        dtype = model.parameters().First().dtype;
        var anchors = model.Config.Strides.Sum(s => w / s * (h / s));
        Model = new ModelDescription(source, dtype == ScalarType.Float32 ? $"torch ({device})" : $"torch ({device}, {dtype})", w, h, int.MaxValue, FixedBatch: false,
            anchors, model.NumClasses, OutputDecoded: true, classNames is { Count: > 0 } ? classNames : null);
    }

    /// <inheritdoc />
    public ModelDescription Model { get; }

    /// <summary>
    /// Loads weights by format: an <c>.onnx</c> file (initializers imported onto the fused model, preset inferred),
    /// our checkpoint (safetensors layout with metadata), or an official PyTorch <c>.pth</c> (needs <paramref name="preset"/>).
    /// </summary>
    /// <exception cref="InvalidModelException">The file cannot be read as YOLOX weights or does not fit the preset.</exception>
    /// <param name="path">The weights file.</param>
    /// <param name="preset">The model scale (required for <c>.pth</c> files; checked against the others).</param>
    /// <param name="device">The Torch device: <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>.</param>
    /// <param name="inputSize">Input (width, height); default the model's.</param>
    /// <param name="numClasses">
    /// The class count, when it is not the file's (a <c>.pth</c> says it by its classification head's shape).
    /// </param>
    /// <param name="threads">
    /// libtorch's intra-op CPU threads. This is a process-wide libtorch setting: it applies to every Torch model in
    /// the process from now on. Default: libtorch's (one per core).
    /// </param>
    public static TorchBackend Load(string path, YoloXPreset? preset, string device = "cpu",
        (int Width, int Height)? inputSize = null, int? numClasses = null, int? threads = null)
    {
        var torchDevice = ParseDevice(device);
        if (threads is { } n)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n, nameof(threads));
            torch.set_num_threads(n);
        }
        var (model, names) = LoadModel(path, preset, numClasses);
        try
        {
            return new TorchBackend(model, path, torchDevice, inputSize ?? (model.Config.InputSize, model.Config.InputSize), names);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    /// <exception cref="ObjectDisposedException">The backend is disposed.</exception>
    public void Run(ReadOnlyMemory<float> input, int batchSize, Memory<float> output, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var d = Model;
        if (batchSize <= 0 || input.Length < batchSize * d.InputLength || output.Length < batchSize * d.OutputLength)
        {
            throw new ArgumentException($"Buffers too small for a batch of {batchSize}.");
        }
        gate.Enter();
        try
        {
            using var scope = torch.NewDisposeScope();
            using var inference = torch.inference_mode();
            // Contiguous (NCHW) input. A channels-last input was used here for speed, but compared value by value
            // with the official output (TorchBatchTests) it moved the head's stride-8 and stride-16 logits by up to
            // 10 (probabilities by 0.21) while the backbone features agreed: it stays off until that is understood.
            var images = ToTensor(input[..(batchSize * d.InputLength)], [batchSize, 3, d.InputHeight, d.InputWidth]);
            var result = model.call(images.to(dtype, device)).to(ScalarType.Float32).cpu().contiguous();
            result.data<float>().CopyTo(output.Span[..(batchSize * d.OutputLength)]);
        }
        finally
        {
            gate.Exit();
        }
    }

    /// <summary>Releases the model once running forward passes have finished; later <see cref="Run"/> calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (gate.Close())
        {
            model.Dispose();
        }
    }

    /// <summary>Copies the input into a new CPU tensor without an intermediate managed array.</summary>
    private static Tensor ToTensor(ReadOnlyMemory<float> data, long[] shape)
    {
        var tensor = torch.empty(shape, ScalarType.Float32);
        tensor.data<float>().CopyFrom(data.Span);
        return tensor;
    }

    private static Device ParseDevice(string device)
    {
        // Checked before torch.device(): TorchSharp throws its own "did not initialise" error for CUDA strings first.
        if (device.Trim().StartsWith("cuda", StringComparison.OrdinalIgnoreCase) && !torch.cuda.is_available())
        {
            throw new InvalidOperationException(
                $"Torch device '{device}' was asked for, but CUDA is not available (this build uses a CPU libtorch, or no GPU is present).");
        }
        try
        {
            return torch.device(device);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            throw new ArgumentException($"'{device}' is not a Torch device (use cpu, cuda or cuda:N).", nameof(device), e);
        }
    }

    /// <summary>
    /// Loads the network of a weights file in any format <see cref="Load"/> reads (the caller owns the model), with
    /// the class names the file stores (our checkpoints only). Used by tools such as <c>yolox export</c>.
    /// </summary>
    /// <exception cref="InvalidModelException">The file cannot be read as YOLOX weights or does not fit the preset.</exception>
    public static (YoloXModel Model, IReadOnlyList<string>? Names) LoadModel(string path, YoloXPreset? preset, int? numClasses = null)
    {
        try
        {
            if (path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
            {
                var imported = (preset, numClasses) switch
                {
                    ({ } p, { } n) => OnnxWeightsImporter.Load(path, YoloXConfig.FromPreset(p, n)),
                    ({ } p, null) => OnnxWeightsImporter.Load(path, p),
                    _ => OnnxWeightsImporter.Load(path),
                };
                return (imported.Model, null);
            }
            if (IsZip(path))
            {
                if (preset is null)
                {
                    throw new InvalidModelException(path, "an official PyTorch checkpoint does not say which model it is; choose the preset (WithModel / --model).");
                }
                return (PyTorchCheckpoint.LoadModel(path, preset.Value, numClasses), null);
            }
            var (loaded, metadata) = YoloXCheckpoint.Load(path);
            if (preset is { } expected && metadata.Config.Preset is { } actual && expected != actual)
            {
                loaded.Dispose();
                throw new InvalidModelException(path, $"the checkpoint holds a {actual} model, not the {expected} that was asked for.");
            }
            return (loaded, metadata.ClassNames);
        }
        catch (WeightsFormatException e)
        {
            throw new InvalidModelException(path, e.Message, e);
        }
        catch (WeightsMismatchException e)
        {
            throw new InvalidModelException(path, e.Message, e);
        }
    }

    private static bool IsZip(string path)
    {
        Span<byte> magic = stackalloc byte[2];
        using var stream = File.OpenRead(path);
        return stream.Read(magic) == 2 && magic[0] == 0x50 && magic[1] == 0x4B;
    }
}
