using Xunit.Abstractions;
using YoloX.Core.Export;
using YoloX.Core.Weights;
using YoloX.Inference.Backends;
using YoloX.Inference.Processing;
using YoloX.Testing;

namespace YoloX.Inference.Tests.Export;

/// <summary>
/// Batch detection on ONNX Runtime with images whose outputs differ: the official Nano weights imported onto our model
/// and exported by our exporter with a dynamic batch, then dog.jpg and three coco128 images of other sizes and aspect
/// ratios detected in one forward pass and one at a time.
/// </summary>
[Collection(ExportCollection.Name)]
public sealed class DynamicBatchDetectTests(ITestOutputHelper output)
{
    private static readonly string[] Coco128 = ["000000000009.jpg", "000000000036.jpg", "000000000025.jpg"];

    [Fact]
    public void DetectBatch_on_a_dynamic_batch_export_runs_distinct_images_in_one_forward_with_each_single_image_result()
    {
        using var dir = new TempDir();
        var path = dir.File("nano-dynamic-batch.onnx");
        var (model, _) = OnnxWeightsImporter.Load(SharedAssets.NanoOnnx);
        using (model)
        {
            model.ExportOnnx(path, new OnnxExportOptions { DynamicBatch = true });
        }
        var backend = new CountingBackend(new OnnxRuntimeBackend(path, new OnnxRuntimeOptions(IntraOpThreads: 2)));
        using var detector = new YoloXDetector(backend, new YoloXDetectorOptions(new PostprocessOptions(Confidence: 0.1f), MaxBatchSize: 4));
        Assert.False(detector.Model.FixedBatch);
        Assert.Equal(4, detector.BatchSize);
        string[] paths = [SharedAssets.DogJpg, .. Coco128.Select(f => SharedAssets.Asset($"datasets/coco128/train2017/{f}"))];
        var images = paths.Select(p => ImageDecoder.Decode(p)).ToArray();
        try
        {
            Assert.Equal(4, images.Select(i => (i.Width, i.Height)).Distinct().Count());
            var single = images.Select((image, i) => detector.Detect(image, paths[i]).Detections).ToArray();
            Assert.Equal(Enumerable.Repeat(1, 4), backend.Batches);
            backend.Batches.Clear();

            var batch = detector.DetectBatch(images, paths);

            // One forward pass of all four images, not four passes of one.
            Assert.Equal([4], backend.Batches);
            Assert.Equal(paths, batch.Select(r => r.Source));
            Assert.Equal(images.Select(i => (i.Width, i.Height)), batch.Select(r => (r.Width, r.Height)));
            Assert.Equal(4, single.Select(d => string.Join(";", d.Select(x => $"{x.ClassId}:{x.Box}"))).Distinct().Count());
            var worstBox = 0f;
            var worstScore = 0f;
            for (var i = 0; i < images.Length; i++)
            {
                Assert.NotEmpty(single[i]);
                Assert.Equal(single[i].Count, batch[i].Detections.Count);
                foreach (var (a, b) in single[i].Zip(batch[i].Detections))
                {
                    // Batch 4 and batch 1 differ only by the order of float sums inside ONNX Runtime's kernels.
                    Assert.Equal(a.ClassId, b.ClassId);
                    Assert.Equal(a.Score, b.Score, 1e-4f);
                    OnnxDetectorTests.AssertNear(a.Box, b.Box, 0.05f);
                    worstScore = MathF.Max(worstScore, MathF.Abs(a.Score - b.Score));
                    worstBox = MathF.Max(worstBox, new[] { a.Box.X1 - b.Box.X1, a.Box.Y1 - b.Box.Y1, a.Box.X2 - b.Box.X2, a.Box.Y2 - b.Box.Y2 }.Max(MathF.Abs));
                }
            }
            output.WriteLine(string.Join("; ", batch.Select(r => $"{Path.GetFileName(r.Source)} {r.Width}×{r.Height}: {r.Detections.Count} boxes")));
            output.WriteLine($"batch vs single: worst score {worstScore:G3}, worst box corner {worstBox:G3} px");
        }
        finally
        {
            Array.ForEach(images, i => i.Dispose());
        }
    }

    /// <summary>Records the batch size of every forward pass of the real backend it wraps.</summary>
    private sealed class CountingBackend(IInferenceBackend inner) : IInferenceBackend
    {
        public List<int> Batches { get; } = [];

        public ModelDescription Model => inner.Model;

        public void Run(ReadOnlyMemory<float> input, int batchSize, Memory<float> output, CancellationToken cancellationToken = default)
        {
            lock (Batches)
            {
                Batches.Add(batchSize);
            }
            inner.Run(input, batchSize, output, cancellationToken);
        }

        public void Dispose() => inner.Dispose();
    }
}
