using SkiaSharp;
using YoloX.Core;
using YoloX.Inference.Backends;
using YoloX.Testing;

namespace YoloX.Inference.Tests;

/// <summary>
/// Dispose racing Detect: a call either runs to completion before the backend is released or throws
/// <see cref="ObjectDisposedException"/>; the backend is released exactly once, never under a running forward.
/// </summary>
public sealed class DisposeRaceTests
{
    private static readonly float[] OneBox = [16, 16, 8, 8, 0.9f, 0.9f];

    [Fact]
    public void Many_concurrent_Detect_and_Dispose_pairs_never_run_on_a_released_backend_nor_release_it_twice()
    {
        using var image = new SKBitmap(32, 32);
        var (completed, refused) = (0, 0);
        for (var round = 0; round < 1500; round++)
        {
            var backend = new ProbeBackend(OneBox, 1) { RunTime = TimeSpan.FromTicks(round % 3 * 50) };
            var detector = new YoloXDetector(backend);
            using var start = new Barrier(3);
            var outcome = new int[1];
            var threads = new[]
            {
                new Thread(() =>
                {
                    start.SignalAndWait();
                    try
                    {
                        detector.Detect(image);
                        Interlocked.Increment(ref outcome[0]);
                    }
                    catch (ObjectDisposedException)
                    {
                        Interlocked.Increment(ref refused);
                    }
                }),
                new Thread(() => { start.SignalAndWait(); detector.Dispose(); }),
                new Thread(() => { start.SignalAndWait(); detector.Dispose(); }),
            };
            Array.ForEach(threads, t => t.Start());
            Array.ForEach(threads, t => Assert.True(t.Join(TimeSpan.FromSeconds(30)), "a Detect/Dispose pair hung"));
            completed += outcome[0];
            Assert.Equal(0, backend.Violations);
            Assert.Equal(1, backend.Releases);
        }
        Assert.Equal(1500, completed + refused);
    }

    [Fact]
    public async Task Dispose_waits_for_a_running_Detect_and_later_calls_throw_ObjectDisposedException()
    {
        using var image = new SKBitmap(32, 32);
        var backend = new ProbeBackend(OneBox, 1) { RunTime = TimeSpan.FromMilliseconds(200) };
        var detector = new YoloXDetector(backend);
        var running = Task.Run(() => detector.Detect(image));
        await Task.Delay(50); // the 200 ms forward is under way
        detector.Dispose();
        Assert.True(running.IsCompleted, "Dispose returned before the running Detect finished");
        Assert.Single((await running).Detections);
        Assert.Equal(0, backend.Violations);
        var e = Assert.Throws<ObjectDisposedException>(() => detector.Detect(image));
        Assert.Contains(nameof(YoloXDetector), e.ObjectName);
    }

    [Fact]
    public void Torch_backend_used_after_Dispose_throws_ObjectDisposedException()
    {
        var backend = TorchBackend.Load(SharedAssets.NanoOnnx, YoloXPreset.Nano, inputSize: (64, 64));
        var model = backend.Model;
        var input = new float[model.InputLength];
        var output = new float[model.OutputLength];
        backend.Run(input, 1, output);
        backend.Dispose();
        backend.Dispose();
        var e = Assert.Throws<ObjectDisposedException>(() => backend.Run(input, 1, output));
        Assert.Contains(nameof(TorchBackend), e.ObjectName);
    }

    [Fact]
    public async Task Torch_backend_Dispose_racing_Run_never_frees_the_model_under_a_forward()
    {
        var outcomes = new List<string>();
        for (var round = 0; round < 6; round++)
        {
            var backend = TorchBackend.Load(SharedAssets.NanoOnnx, YoloXPreset.Nano, inputSize: (64, 64));
            var model = backend.Model;
            var runs = Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
            {
                var (input, output) = (new float[model.InputLength], new float[model.OutputLength]);
                try
                {
                    for (var i = 0; i < 20; i++)
                    {
                        backend.Run(input, 1, output);
                        Assert.All(output, v => Assert.True(float.IsFinite(v)));
                    }
                    return "ran";
                }
                catch (ObjectDisposedException)
                {
                    return "refused";
                }
            })).ToArray();
            await Task.Delay(round * 10);
            backend.Dispose();
            outcomes.AddRange(await Task.WhenAll(runs));
        }
        Assert.All(outcomes, o => Assert.Contains(o, new[] { "ran", "refused" }));
    }
}
