using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace YoloX.Core.Tests;

/// <summary>
/// Native tensor memory is invisible to the GC, so leaks are caught by counting live tensors on this thread
/// (TorchSharp's dispose-scope statistics) across many steps: the count must not grow. The forward runs WITHOUT a
/// caller's dispose scope, the way an application calls it: a scope around the call would dispose the forward pass's
/// own leftovers and hide exactly the leak these tests look for. Only the returned output is disposed.
/// </summary>
public class MemoryTests
{
    [Fact]
    public void Repeated_eval_forwards_without_a_dispose_scope_leave_no_live_tensors_behind()
    {
        using var model = YoloXModel.Create(YoloXPreset.Nano);
        model.eval();
        using var input = torch.rand(1, 3, 96, 96);
        RunForward(model, input); // warm-up: lazily created tensors (e.g. caches) are not leaks
        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (var i = 0; i < 10; i++)
        {
            RunForward(model, input);
        }
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void Fused_forward_without_a_dispose_scope_creates_no_tensors_that_outlive_it()
    {
        using var model = YoloXModel.Create(YoloXPreset.Nano).Fuse();
        model.eval();
        using var input = torch.rand(2, 3, 64, 64);
        RunForward(model, input);
        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (var i = 0; i < 5; i++)
        {
            RunForward(model, input);
        }
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void Undecoded_forward_without_a_dispose_scope_creates_no_tensors_that_outlive_it()
    {
        using var model = YoloXModel.Create(YoloXPreset.Nano);
        model.eval();
        model.Head.DecodeInInference = false;
        using var input = torch.rand(1, 3, 64, 64);
        RunForward(model, input);
        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (var i = 0; i < 5; i++)
        {
            RunForward(model, input);
        }
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    private static void RunForward(YoloXModel model, Tensor input)
    {
        using var noGrad = torch.no_grad();
        using var output = model.call(input);
    }
}
