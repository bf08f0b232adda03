using BenchmarkDotNet.Attributes;
using TorchSharp;
using YoloX.Core;
using static TorchSharp.torch;

namespace YoloX.Benchmarks;

/// <summary>
/// Eval forward pass (batch 1, decoded output) of YOLOX-Nano@416 and YOLOX-S@640 on the CPU with 2 libtorch threads,
/// the setting of the official PyTorch timings in ../shared/golden/timings.json. Compares the unfused and fused
/// (BN folded) model, under no_grad and under inference_mode, and a channels-last input.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 15, invocationCount: 1)]
[MinColumn, MaxColumn, MedianColumn]
public class ForwardBenchmarks
{
    private YoloXModel model = null!;
    private Tensor input = null!;

    /// <summary>Model and input size.</summary>
    [Params("nano@416", "s@640")]
    public string Case { get; set; } = "nano@416";

    /// <summary>Whether conv+BN are fused.</summary>
    [Params(false, true)]
    public bool Fused { get; set; }

    /// <summary>How gradients are disabled / how the input is laid out.</summary>
    [Params("no_grad", "inference_mode", "channels_last")]
    public string Mode { get; set; } = "no_grad";

    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(2);
        var (preset, size) = Case == "nano@416" ? (YoloXPreset.Nano, 416) : (YoloXPreset.S, 640);
        torch.manual_seed(0);
        model = YoloXModel.Create(preset);
        model.eval();
        if (Fused)
        {
            model.Fuse();
        }
        input = torch.rand(1, 3, size, size) * 255;
        if (Mode == "channels_last")
        {
            // TorchSharp has no contiguous(memory_format); an NHWC copy viewed back as NCHW is the same layout.
            input = input.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
        }
    }

    [Benchmark]
    public float Forward()
    {
        using var scope = torch.NewDisposeScope();
        using IDisposable guard = Mode == "inference_mode" ? torch.inference_mode() : torch.no_grad();
        var output = model.call(input);
        return output[0, 0, 0].item<float>();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        input.Dispose();
        model.Dispose();
    }
}
