using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;
using SkiaSharp;
using YoloX.Inference;
using YoloX.Inference.Backends;
using YoloX.Inference.Processing;
using YoloX.Testing;

namespace YoloX.Benchmarks;

/// <summary>
/// The detector on the official YOLOX-Nano ONNX and dog.jpg (768×576): the whole <c>Detect</c> on decoded pixels
/// (letterbox, tensor fill, run, decode, NMS) against the bare ONNX Runtime <c>Run</c> on a ready tensor, same model,
/// same session settings (2 intra-op threads). Pre- and post-processing and JPEG decoding also get their own lines.
/// </summary>
[MemoryDiagnoser]
public class DetectBenchmarks
{
    private const int Threads = 2;
    private YoloXDetector _detector = null!;
    private YoloXDetector _torchDetector = null!;
    private SKBitmap _image = null!;
    private byte[] _jpeg = null!;
    private InferenceSession _session = null!;
    private OrtValue _input = null!;
    private OrtValue _output = null!;
    private RunOptions _runOptions = null!;
    private float[] _tensor = null!;
    private float[] _raw = null!;
    private AnchorGrid _grid = null!;
    private LetterboxInfo _letterbox;
    private readonly PostprocessOptions _post = new();

    [GlobalSetup]
    public void Setup()
    {
        _detector = YoloXBuilder.Create().WithWeights(SharedAssets.NanoOnnx)
            .UseOnnxRuntime(new OnnxRuntimeOptions(IntraOpThreads: Threads)).BuildDetector();
        TorchSharp.torch.set_num_threads(Threads);
        _torchDetector = YoloXBuilder.Create().WithWeights(SharedAssets.NanoOnnx).UseTorch("cpu").BuildDetector();
        _jpeg = File.ReadAllBytes(SharedAssets.DogJpg);
        _image = ImageDecoder.Decode(_jpeg);
        _tensor = new float[3 * 416 * 416];
        _letterbox = Letterbox.Fill(_image, _tensor, 416, 416);
        _raw = new float[3549 * 85];
        _grid = new AnchorGrid(416, 416);
        using var options = new SessionOptions { IntraOpNumThreads = Threads, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        _session = new InferenceSession(SharedAssets.NanoOnnx, options);
        _input = OrtValue.CreateTensorValueFromMemory(_tensor, [1, 3, 416, 416]);
        _output = OrtValue.CreateTensorValueFromMemory(_raw, [1, 3549, 85]);
        _runOptions = new RunOptions();
        BareOnnxRun();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _detector.Dispose();
        _torchDetector.Dispose();
        _image.Dispose();
        _input.Dispose();
        _output.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }

    /// <summary>ONNX Runtime alone: the ready input tensor in, the output into a bound buffer.</summary>
    [Benchmark(Baseline = true)]
    public void BareOnnxRun() => _session.Run(_runOptions, ["images"], [_input], ["output"], [_output]);

    /// <summary>The detector on decoded pixels: letterbox + tensor fill + run + grid decode + NMS + mapping.</summary>
    [Benchmark]
    public int Detect() => _detector.Detect(_image).Detections.Count;

    /// <summary>The same <see cref="Detect"/> on the TorchSharp backend (weights imported from the same ONNX file).</summary>
    [Benchmark]
    public int DetectTorch() => _torchDetector.Detect(_image).Detections.Count;

    /// <summary>Letterbox and tensor fill only.</summary>
    [Benchmark]
    public double Preprocess() => Letterbox.Fill(_image, _tensor, 416, 416).Ratio;

    /// <summary>Grid decode, confidence filter, NMS and mapping only.</summary>
    [Benchmark]
    public int Postprocess() => Postprocessor.Run(_raw, 80, _grid, _letterbox, _post, CocoClasses.Names).Count;

    /// <summary>Everything <see cref="Detect"/> adds to the forward pass: letterbox + tensor fill, then decode + NMS.</summary>
    [Benchmark]
    public int PreAndPostprocess()
    {
        var letterbox = Letterbox.Fill(_image, _tensor, 416, 416);
        return Postprocessor.Run(_raw, 80, _grid, letterbox, _post, CocoClasses.Names).Count;
    }

    /// <summary>JPEG → BGRA pixels (SkiaSharp), not part of <see cref="Detect"/>.</summary>
    [Benchmark]
    public int DecodeJpeg()
    {
        using var image = ImageDecoder.Decode(_jpeg);
        return image.Width;
    }
}
