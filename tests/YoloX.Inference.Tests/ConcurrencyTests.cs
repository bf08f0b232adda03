using SkiaSharp;
using YoloX.Inference.Processing;
using YoloX.Testing;

namespace YoloX.Inference.Tests;

public sealed class ConcurrencyTests
{
    [Theory]
    [InlineData("onnx")]
    [InlineData("torch")]
    public void Eight_threads_detecting_on_one_detector_give_the_sequential_results(string backend)
    {
        using var detector = backend == "onnx"
            ? OnnxDetectorTests.BuildNano(confidence: 0.05f)
            : YoloXBuilder.Create().WithModel(YoloX.Core.YoloXPreset.Nano).WithWeights(SharedAssets.NanoOnnx)
                .UseTorch().WithThresholds(0.05f, 0.45f).BuildDetector();
        using var dog = ImageDecoder.Decode(SharedAssets.DogJpg);
        using var flipped = Flip(dog);
        SKBitmap[] images = [dog, flipped];
        var expected = images.Select(i => detector.Detect(i).Detections).ToArray();
        Assert.NotEqual(expected[0], expected[1]);

        // Eight dedicated threads (not pool tasks, whose count would depend on the machine) all detecting at once.
        const int Threads = 8, Calls = 3;
        var results = new IReadOnlyList<Detection>[Threads, Calls];
        using var start = new Barrier(Threads);
        var workers = Enumerable.Range(0, Threads).Select(thread => new Thread(() =>
        {
            start.SignalAndWait();
            for (var k = 0; k < Calls; k++)
            {
                results[thread, k] = detector.Detect(images[(thread + k) % 2]).Detections;
            }
        })).ToList();
        workers.ForEach(t => t.Start());
        workers.ForEach(t => Assert.True(t.Join(TimeSpan.FromMinutes(5)), "a detecting thread hung"));

        for (var thread = 0; thread < Threads; thread++)
        {
            for (var k = 0; k < Calls; k++)
            {
                Assert.Equal(expected[(thread + k) % 2], results[thread, k]);
            }
        }
    }

    [Fact]
    public async Task Async_overloads_match_the_synchronous_result_and_honour_cancellation()
    {
        using var detector = OnnxDetectorTests.BuildNano();
        var sync = detector.Detect(SharedAssets.DogJpg);
        var fromPath = await detector.DetectAsync(SharedAssets.DogJpg);
        await using var stream = File.OpenRead(SharedAssets.DogJpg);
        var fromStream = await detector.DetectAsync(stream, "dog");
        var batch = await detector.DetectBatchAsync([SharedAssets.DogJpg, SharedAssets.DogJpg]);

        Assert.Equal(sync.Detections, fromPath.Detections);
        Assert.Equal(sync.Detections, fromStream.Detections);
        Assert.Equal("dog", fromStream.Source);
        Assert.All(batch, r => Assert.Equal(sync.Detections, r.Detections));

        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => detector.DetectAsync(SharedAssets.DogJpg, cancelled.Token));
        Assert.Equal(sync.Detections, detector.Detect(SharedAssets.DogJpg).Detections);
    }

    [Fact]
    public void Disposed_detector_throws_ObjectDisposedException()
    {
        var detector = OnnxDetectorTests.BuildNano();
        using var image = new SKBitmap(32, 32);
        detector.Dispose();
        detector.Dispose();
        Assert.Throws<ObjectDisposedException>(() => detector.Detect(image));
    }

    private static SKBitmap Flip(SKBitmap source)
    {
        var flipped = new SKBitmap(source.Info);
        var src = source.GetPixelSpan();
        var dst = flipped.GetPixelSpan();
        for (var y = 0; y < source.Height; y++)
        {
            for (var x = 0; x < source.Width; x++)
            {
                src.Slice(y * source.RowBytes + 4 * x, 4).CopyTo(dst.Slice(y * flipped.RowBytes + 4 * (source.Width - 1 - x), 4));
            }
        }
        return flipped;
    }
}
