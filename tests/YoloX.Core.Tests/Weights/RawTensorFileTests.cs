using TorchSharp;
using Xunit;
using YoloX.Core.Weights;
using YoloX.Testing;
using static TorchSharp.torch;

namespace YoloX.Core.Tests.Weights;

/// <summary>The raw fixture reader's third dtype: uint8 (the training-step golden stores its images that way).</summary>
public sealed class RawTensorFileTests
{
    [Fact]
    public void Uint8_tensors_read_as_bytes_with_their_shape()
    {
        var inputs = RawTensorFile.ReadMap(SharedAssets.Golden("train_steps/inputs.json"));
        var images = inputs["images"];
        Assert.Equal([12L, 2, 3, 320, 320], images.Shape);
        Assert.NotNull(images.UInt8);
        Assert.Null(images.Float32);
        Assert.Equal(images.ElementCount, images.UInt8!.Length);
        using var t = images.ToTensor();
        Assert.Equal(ScalarType.Byte, t.dtype);
        // Letterboxed images are padded with the official grey 114; the stored pixels span 0..255.
        Assert.Contains((byte)114, images.UInt8);
        Assert.Equal(255, images.UInt8.Max());
        Assert.NotNull(inputs["targets"].Float32);
        Assert.NotNull(inputs["image_ids"].Int64);
        Assert.Equal(9, inputs["image_ids"].Int64![0]); // first coco128 image id (README)
    }
}
