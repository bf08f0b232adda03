using TorchSharp;
using Xunit;
using YoloX.Core.Loss;
using static TorchSharp.torch;

namespace YoloX.Core.Tests.Loss;

public class IoULossTests
{
    [Fact]
    public void IoU_loss_is_one_minus_IoU_squared()
    {
        using var scope = torch.NewDisposeScope();
        var pred = torch.tensor(new float[] { 0, 0, 2, 2, 0, 0, 2, 2, 0, 0, 2, 2 }, [3, 4]);
        var target = torch.tensor(new float[] { 0, 0, 2, 2, 1, 0, 2, 2, 5, 0, 2, 2 }, [3, 4]);
        var loss = IoULoss.Compute(pred, target).data<float>().ToArray();
        Assert.Equal(0f, loss[0], 6);            // identical
        Assert.Equal(1f - 1f / 9f, loss[1], 6);  // IoU 2 / 6
        Assert.Equal(1f, loss[2], 6);            // disjoint
    }

    [Fact]
    public void GIoU_loss_penalises_the_empty_part_of_the_enclosing_box()
    {
        using var scope = torch.NewDisposeScope();
        var pred = torch.tensor(new float[] { 0, 0, 2, 2, 0, 0, 2, 2 }, [2, 4]);
        var target = torch.tensor(new float[] { 4, 0, 2, 2, 1, 0, 2, 2 }, [2, 4]);
        var loss = IoULoss.Compute(pred, target, IoULossType.GIoU).data<float>().ToArray();
        Assert.Equal(1f + 1f / 3f, loss[0], 5);  // IoU 0, enclosing 12, union 8
        Assert.Equal(1f - 1f / 3f, loss[1], 5);  // IoU 1/3, enclosing = union
    }

    [Fact]
    public void Pairwise_IoU_matches_the_elementwise_IoU()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.tensor(new float[] { 10, 10, 8, 6, 30, 20, 10, 10 }, [2, 4]);
        var b = torch.tensor(new float[] { 12, 10, 8, 6, 31, 21, 12, 8, 100, 100, 4, 4 }, [3, 4]);
        var pairwise = IoULoss.Pairwise(a, b);
        Assert.Equal(new long[] { 2, 3 }, pairwise.shape);
        for (var i = 0; i < 2; i++)
        {
            for (var j = 0; j < 3; j++)
            {
                var loss = IoULoss.Compute(a[i..(i + 1)], b[j..(j + 1)]).item<float>();
                var iou = pairwise[i, j].item<float>();
                Assert.Equal(1f - iou * iou, loss, 5);
            }
        }
        Assert.Equal(0f, pairwise[0, 2].item<float>());
    }

    [Fact]
    public void Invalid_options_throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SimOTAOptions { CenterRadius = -1 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new SimOTAOptions { CandidateTopK = 0 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new YoloXLossOptions { RegWeight = double.NaN }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new YoloXLoss(80, [8, 16, 32], new YoloXLossOptions { Assignment = new SimOTAOptions { IoUCostWeight = -3 } }));
    }
}
