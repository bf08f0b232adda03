using System.Collections.Concurrent;
using System.Diagnostics;
using SkiaSharp;
using YoloX.Inference.Backends;
using YoloX.Inference.Processing;

namespace YoloX.Inference;

/// <summary>
/// Detects objects with a YOLOX model: decode → letterbox → backend forward → grid decode → NMS → boxes in image
/// pixels. One instance serves concurrent calls from many threads; several images can share one forward pass.
/// Build it with <see cref="YoloXBuilder"/>, or from any <see cref="IInferenceBackend"/>.
/// </summary>
public sealed class YoloXDetector : IDisposable
{
    private readonly IInferenceBackend _backend;
    private readonly AnchorGrid? _grid;
    private readonly ConcurrentBag<Workspace> _workspaces = [];
    private readonly UseGate _gate = new(nameof(YoloXDetector));

    /// <summary>Creates a detector over <paramref name="backend"/>, which it owns and disposes.</summary>
    /// <exception cref="ArgumentException">Given class names do not match the model's class count.</exception>
    public YoloXDetector(IInferenceBackend backend, YoloXDetectorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(backend);
        options ??= YoloXDetectorOptions.Default;
        options.Validate();
        _backend = backend;
        Options = options;
        var model = backend.Model;
        ClassNames = ChooseClassNames(model, options.ClassNames);
        _grid = model.OutputDecoded ? null : new AnchorGrid(model.InputWidth, model.InputHeight);
        BatchSize = model.FixedBatch ? model.MaxBatchSize : Math.Min(model.MaxBatchSize, options.MaxBatchSize);
    }

    /// <summary>The model's input/output layout and backend.</summary>
    public ModelDescription Model => _backend.Model;

    /// <summary>Class names by class id.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The detector's settings.</summary>
    public YoloXDetectorOptions Options { get; }

    /// <summary>Images per forward pass in batch calls.</summary>
    public int BatchSize { get; }

    /// <summary>Detects objects in the image file at <paramref name="imagePath"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ImageDecodeException">The file is not a decodable image.</exception>
    public DetectionResult Detect(string imagePath)
    {
        using var image = ImageDecoder.Decode(imagePath, Options.MaxImagePixels);
        return Detect(image, imagePath);
    }

    /// <summary>Detects objects in an encoded image (JPEG, PNG, ...) held in memory.</summary>
    /// <exception cref="ImageDecodeException">The bytes are not a decodable image.</exception>
    public DetectionResult Detect(ReadOnlySpan<byte> encodedImage, string source = "")
    {
        using var image = ImageDecoder.Decode(encodedImage, source.Length == 0 ? "<memory>" : source, Options.MaxImagePixels);
        return Detect(image, source);
    }

    /// <summary>Detects objects in an encoded image read from <paramref name="stream"/>.</summary>
    /// <exception cref="ImageDecodeException">The data is not a decodable image.</exception>
    public DetectionResult Detect(Stream stream, string source = "")
    {
        using var image = ImageDecoder.Decode(stream, source.Length == 0 ? "<stream>" : source, Options.MaxImagePixels);
        return Detect(image, source);
    }

    /// <summary>Detects objects in decoded pixels (8-bit BGRA/RGBA/Gray used directly, other formats converted).</summary>
    public DetectionResult Detect(SKBitmap image, string source = "", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        var results = new DetectionResult[1];
        RunChunk([image], [source], results, 0, cancellationToken);
        return results[0];
    }

    /// <summary>Detects objects in several decoded images, <see cref="BatchSize"/> per forward pass.</summary>
    public IReadOnlyList<DetectionResult> DetectBatch(
        IReadOnlyList<SKBitmap> images, IReadOnlyList<string>? sources = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (sources is not null && sources.Count != images.Count)
        {
            throw new ArgumentException($"{sources.Count} sources given for {images.Count} images.", nameof(sources));
        }
        var results = new DetectionResult[images.Count];
        for (var start = 0; start < images.Count; start += BatchSize)
        {
            var n = Math.Min(BatchSize, images.Count - start);
            var chunk = new SKBitmap[n];
            var names = new string[n];
            for (var i = 0; i < n; i++)
            {
                chunk[i] = images[start + i];
                names[i] = sources?[start + i] ?? "";
            }
            RunChunk(chunk, names, results, start, cancellationToken);
        }
        return results;
    }

    /// <summary>Detects objects in several image files, <see cref="BatchSize"/> per forward pass.</summary>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="ImageDecodeException">A file is not a decodable image.</exception>
    public IReadOnlyList<DetectionResult> DetectBatch(IReadOnlyList<string> imagePaths, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(imagePaths);
        var images = new List<SKBitmap>(imagePaths.Count);
        try
        {
            foreach (var path in imagePaths)
            {
                cancellationToken.ThrowIfCancellationRequested();
                images.Add(ImageDecoder.Decode(path, Options.MaxImagePixels));
            }
            return DetectBatch(images, imagePaths, cancellationToken);
        }
        finally
        {
            images.ForEach(i => i.Dispose());
        }
    }

    /// <summary>Reads the file asynchronously, then detects on the thread pool.</summary>
    public async Task<DetectionResult> DetectAsync(string imagePath, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(imagePath);
        if (!File.Exists(imagePath))
        {
            throw new FileNotFoundException($"Image file '{imagePath}' does not exist.", imagePath);
        }
        var bytes = await File.ReadAllBytesAsync(imagePath, cancellationToken).ConfigureAwait(false);
        return await Task.Run(() => DetectEncoded(bytes, imagePath, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the stream asynchronously, then detects on the thread pool.</summary>
    public async Task<DetectionResult> DetectAsync(Stream stream, string source = "", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
        var bytes = copy.ToArray();
        return await Task.Run(() => DetectEncoded(bytes, source, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Detects on decoded pixels on the thread pool.</summary>
    public Task<DetectionResult> DetectAsync(SKBitmap image, string source = "", CancellationToken cancellationToken = default) =>
        Task.Run(() => Detect(image, source, cancellationToken), cancellationToken);

    /// <summary>Detects in several image files on the thread pool, <see cref="BatchSize"/> per forward pass.</summary>
    public Task<IReadOnlyList<DetectionResult>> DetectBatchAsync(IReadOnlyList<string> imagePaths, CancellationToken cancellationToken = default) =>
        Task.Run(() => DetectBatch(imagePaths, cancellationToken), cancellationToken);

    /// <summary>
    /// Releases the backend (ONNX Runtime session or Torch model) once running calls have finished; later calls
    /// throw <see cref="ObjectDisposedException"/>.
    /// </summary>
    /// <remarks>A second (or concurrent) call returns at once; the first one waits and releases.</remarks>
    public void Dispose()
    {
        // Never free the native session under a running forward pass, nor twice.
        if (_gate.Close())
        {
            _backend.Dispose();
        }
    }

    private DetectionResult DetectEncoded(byte[] bytes, string source, CancellationToken cancellationToken)
    {
        using var image = ImageDecoder.Decode(bytes, source.Length == 0 ? "<memory>" : source, Options.MaxImagePixels);
        return Detect(image, source, cancellationToken);
    }

    private void RunChunk(SKBitmap[] images, string[] sources, DetectionResult[] results, int offset, CancellationToken cancellationToken)
    {
        _gate.Enter();
        try
        {
            RunChunkCore(images, sources, results, offset, cancellationToken);
        }
        finally
        {
            _gate.Exit();
        }
    }

    private void RunChunkCore(SKBitmap[] images, string[] sources, DetectionResult[] results, int offset, CancellationToken cancellationToken)
    {
        var model = _backend.Model;
        // A static-batch model always runs its full batch; unused slots keep whatever the buffer held.
        var runBatch = model.FixedBatch ? model.MaxBatchSize : images.Length;
        var workspace = Rent(runBatch, model);
        try
        {
            var start = Stopwatch.GetTimestamp();
            var boxes = workspace.Letterboxes;
            for (var i = 0; i < images.Length; i++)
            {
                boxes[i] = Letterbox.Fill(images[i], workspace.Input.AsSpan(i * model.InputLength, model.InputLength), model.InputWidth, model.InputHeight);
            }
            var afterPre = Stopwatch.GetTimestamp();
            _backend.Run(workspace.Input.AsMemory(0, runBatch * model.InputLength), runBatch,
                workspace.Output.AsMemory(0, runBatch * model.OutputLength), cancellationToken);
            var afterRun = Stopwatch.GetTimestamp();
            var found = new List<Detection>[images.Length];
            var nonFinite = new int[images.Length];
            for (var i = 0; i < images.Length; i++)
            {
                var output = workspace.Output.AsSpan(i * model.OutputLength, model.OutputLength);
                found[i] = Postprocessor.Run(output, model.ClassCount, _grid, boxes[i], Options.Postprocess, ClassNames, out nonFinite[i]);
            }
            var end = Stopwatch.GetTimestamp();
            var timings = new DetectionTimings(
                Stopwatch.GetElapsedTime(start, afterPre), Stopwatch.GetElapsedTime(afterPre, afterRun), Stopwatch.GetElapsedTime(afterRun, end));
            for (var i = 0; i < images.Length; i++)
            {
                results[offset + i] = new DetectionResult(sources[i], images[i].Width, images[i].Height, found[i], timings)
                {
                    NonFiniteRows = nonFinite[i],
                };
            }
        }
        finally
        {
            _workspaces.Add(workspace);
        }
    }

    private Workspace Rent(int batch, ModelDescription model)
    {
        if (!_workspaces.TryTake(out var workspace))
        {
            workspace = new Workspace();
        }
        workspace.Ensure(batch, model);
        return workspace;
    }

    private static IReadOnlyList<string> ChooseClassNames(ModelDescription model, IReadOnlyList<string>? given)
    {
        if (given is not null)
        {
            if (given.Count != model.ClassCount)
            {
                throw new ArgumentException(
                    $"{given.Count} class names were given, but the model '{model.Source}' predicts {model.ClassCount} classes.");
            }
            return [.. given];
        }
        if (model.ClassNames is { } stored && stored.Count == model.ClassCount)
        {
            return stored;
        }
        if (model.ClassCount == CocoClasses.Names.Count)
        {
            return CocoClasses.Names;
        }
        return [.. Enumerable.Range(0, model.ClassCount).Select(i => $"class_{i}")];
    }

    /// <summary>Per-call buffers, pooled so that steady-state calls allocate no tensors.</summary>
    private sealed class Workspace
    {
        public float[] Input { get; private set; } = [];

        public float[] Output { get; private set; } = [];

        public LetterboxInfo[] Letterboxes { get; private set; } = [];

        public void Ensure(int batch, ModelDescription model)
        {
            if (Input.Length < batch * model.InputLength)
            {
                Input = new float[batch * model.InputLength];
            }
            if (Output.Length < batch * model.OutputLength)
            {
                Output = new float[batch * model.OutputLength];
            }
            if (Letterboxes.Length < batch)
            {
                Letterboxes = new LetterboxInfo[batch];
            }
        }
    }
}
