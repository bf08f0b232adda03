using BenchmarkDotNet.Attributes;
using SkiaSharp;
using YoloX.Training.Augmentation;
using YoloX.Training.Data;

namespace YoloX.Benchmarks;

/// <summary>
/// The training augmentation pipeline per image on one core, the counterpart of the official
/// <c>data_aug_timing.py</c> (shared/reference): a synthetic COCO-format dataset of 64 JPEGs (quality 90, eight
/// COCO-like sizes, 1–12 random boxes, 5 % crowd) read through <see cref="DatasetSampleSource"/> and the official
/// <c>MosaicDetection</c> + <c>TrainTransform(120)</c> pipeline at 416, one sample per call on the calling thread as
/// the trainer's loader builds it (<see cref="TrainDataLoader.BuildBatch(int, int)"/> with batch 1: the pipeline, the
/// float CHW copy the official <c>preproc</c> also makes, the loader's reuse of memory), a seeded random order. Configs as there: <c>nano_exp</c> (mosaic_prob 0.5, no MixUp, mosaic_scale 0.5–1.5),
/// <c>default_exp_416</c> (mosaic 1.0, MixUp 1.0, mosaic_scale 0.1–2), <c>no_aug</c> (Mosaic closed: HSV, flip,
/// letterbox), each with JPEG decoding in the loop or from the RAM cache. Images/s per core = 1 / mean time.
/// </summary>
[MemoryDiagnoser]
[MinColumn, MaxColumn, MedianColumn]
public class AugmentationBenchmarks
{
    private static readonly (int H, int W)[] Sizes =
        [(480, 640), (640, 480), (427, 640), (640, 427), (375, 500), (500, 333), (480, 640), (426, 640)];

    private string _root = "";
    private TrainDataLoader _loader = null!;
    private int _call;

    /// <summary>The official timing script's configuration names.</summary>
    [Params("nano_exp", "default_exp_416", "no_aug")]
    public string Config { get; set; } = "nano_exp";

    /// <summary>Decoded images kept in RAM (the official <c>cache_type="ram"</c>).</summary>
    [Params(false, true)]
    public bool RamCache { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _root = Path.Combine(Path.GetTempPath(), "yolox-bench-synthcoco");
        var dataset = SyntheticCoco(_root);
        var options = Config == "default_exp_416" ? AugmentationOptions.Default with { InputSize = (416, 416) } : AugmentationOptions.Nano;
        _loader = new TrainDataLoader(dataset, options, new TrainLoaderOptions { BatchSize = 1, Workers = 0, CacheImages = RamCache });
        if (Config == "no_aug")
            _loader.CloseMosaic();
        if (RamCache)
        {
            for (var b = 0; b < _loader.BatchesPerEpoch; b++)
                _loader.BuildBatch(0, b).Dispose();
        }
    }

    /// <summary>The loader is only bookkeeping; nothing native to release.</summary>
    [GlobalCleanup]
    public void Cleanup() => _loader.Dispose();

    /// <summary>One training sample (the official <c>dataset[(mosaic, idx)]</c>, which ends in float32 CHW too).</summary>
    [Benchmark]
    public void Sample()
    {
        var (epoch, batch) = Math.DivRem(_call++, _loader.BatchesPerEpoch);
        _loader.BuildBatch(epoch + 1, batch).Dispose();
    }

    /// <summary>A dataset like the official script's <c>make_synth_coco</c> (not the same pixels: ours are made here).</summary>
    private static DetectionDataset SyntheticCoco(string root)
    {
        Directory.CreateDirectory(root);
        var random = new Random(0);
        var images = new List<DatasetImage>();
        var annotations = new List<DatasetAnnotation>();
        for (var i = 0; i < 64; i++)
        {
            var (h, w) = Sizes[i % Sizes.Length];
            var path = Path.Combine(root, $"{i + 1:D12}.jpg");
            if (!File.Exists(path))
                WriteJpeg(path, w, h, random);
            images.Add(new DatasetImage(i + 1, path, w, h));
            for (var k = random.Next(1, 13); k > 0; k--)
            {
                var bw = 8 + random.NextDouble() * (w * 0.6 - 8);
                var bh = 8 + random.NextDouble() * (h * 0.6 - 8);
                var x = random.NextDouble() * (w - bw);
                var y = random.NextDouble() * (h - bh);
                annotations.Add(new DatasetAnnotation(annotations.Count + 1, i + 1, random.Next(80),
                    new BoxXywh(x, y, bw, bh), bw * bh, IsCrowd: random.NextDouble() < 0.05));
            }
        }
        return new DetectionDataset([.. Enumerable.Range(1, 80).Select(c => $"class{c}")], images, annotations);
    }

    // Smooth random colour blobs plus noise, so the JPEG costs about what a photo does to decode.
    private static void WriteJpeg(string path, int w, int h, Random random)
    {
        var low = new BgrImage(w / 16 + 1, h / 16 + 1);
        random.NextBytes(low.Data);
        var image = OpenCvResize.Linear(low, w, h);
        using var bitmap = new SKBitmap(new SKImageInfo(w, h, SKColorType.Bgra8888, SKAlphaType.Opaque));
        var pixels = bitmap.GetPixelSpan();
        for (int p = 0, o = 0; p < w * h; p++, o += 3)
        {
            for (var c = 0; c < 3; c++)
                pixels[p * 4 + c] = (byte)Math.Clamp(image.Data[o + c] + random.Next(-12, 13), 0, 255);
            pixels[p * 4 + 3] = 255;
        }
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 90);
        File.WriteAllBytes(path, data.ToArray());
    }
}
