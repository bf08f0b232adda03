using BenchmarkDotNet.Attributes;
using YoloX.Training.Evaluation;

namespace YoloX.Benchmarks;

/// <summary>
/// COCO bbox evaluation on a synthetic set the size of COCO val2017: 5,000 images, ~36k ground-truth boxes (about 1%
/// crowd), 80 categories, 100 detections per image (500k detections: jittered hits, duplicates and random boxes).
/// pycocotools needs roughly 10–20 s for this on one core.
/// </summary>
[MemoryDiagnoser]
public class CocoEvalBenchmarks
{
    private long[] _images = [];
    private CocoCategory[] _categories = [];
    private CocoGroundTruth[] _groundTruths = [];
    private CocoDetection[] _detections = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(2017);
        _images = [.. Enumerable.Range(1, 5000).Select(i => (long)i)];
        // COCO-like non-contiguous category ids.
        _categories = [.. Enumerable.Range(0, 80).Select(k => new CocoCategory(k + 1 + k / 10, $"class{k}"))];
        var gts = new List<CocoGroundTruth>();
        var dets = new List<CocoDetection>();
        foreach (var image in _images)
        {
            // Mean 7.36 boxes per image ≈ 36.8k in all, like val2017's 36,781 annotations.
            var count = random.Next(0, 15) + (random.NextDouble() < 0.36 ? 1 : 0);
            var local = new List<CocoGroundTruth>();
            for (var n = 0; n < count; n++)
            {
                var w = Math.Exp(random.NextDouble() * 5 + 1.5); // 4.5 px .. 665 px: small, medium and large
                var h = w * (0.5 + random.NextDouble());
                double x = random.NextDouble() * Math.Max(1, 640 - w), y = random.NextDouble() * Math.Max(1, 480 - h);
                var cat = _categories[random.Next(80)].Id;
                var gt = new CocoGroundTruth(gts.Count + 1, image, cat, x, y, w, h, w * h * 0.8, random.NextDouble() < 0.01);
                gts.Add(gt);
                local.Add(gt);
            }
            for (var n = 0; n < 100; n++)
            {
                if (local.Count > 0 && n < 3 * local.Count)
                {
                    var g = local[n % local.Count];
                    var j = 0.15 * random.NextDouble();
                    dets.Add(new CocoDetection(image, random.NextDouble() < 0.9 ? g.CategoryId : _categories[random.Next(80)].Id,
                        g.X + j * g.Width * (random.NextDouble() - 0.5), g.Y + j * g.Height * (random.NextDouble() - 0.5),
                        g.Width * (1 + j * (random.NextDouble() - 0.5)), g.Height * (1 + j * (random.NextDouble() - 0.5)),
                        Math.Round(random.NextDouble(), 3)));
                }
                else
                {
                    var w = Math.Exp(random.NextDouble() * 5 + 1.5);
                    var h = w * (0.5 + random.NextDouble());
                    dets.Add(new CocoDetection(image, _categories[random.Next(80)].Id,
                        random.NextDouble() * 600, random.NextDouble() * 440, w, h, Math.Round(random.NextDouble() * 0.3, 3)));
                }
            }
        }
        _groundTruths = [.. gts];
        _detections = [.. dets];
    }

    /// <summary>All cores (2 on the reference machine).</summary>
    [Benchmark]
    public double Evaluate_val2017_sized_parallel() =>
        new CocoEvaluator().Evaluate(_images, _categories, _groundTruths, _detections).Statistics.AP;

    /// <summary>One core, comparable with pycocotools.</summary>
    [Benchmark(Baseline = true)]
    public double Evaluate_val2017_sized_one_core() =>
        new CocoEvaluator(maxDegreeOfParallelism: 1).Evaluate(_images, _categories, _groundTruths, _detections).Statistics.AP;
}
