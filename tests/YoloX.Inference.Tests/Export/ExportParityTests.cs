using Xunit.Abstractions;
using YoloX.Core;
using YoloX.Core.Export;
using static TorchSharp.torch;

namespace YoloX.Inference.Tests.Export;

/// <summary>
/// ONNX Runtime on our exported file equals the Torch model it came from (random weights, random batch-norm
/// statistics, fixed input), at batch 1 and 2 through one dynamic-batch file, raw and decoded; every file passes the
/// ONNX checker. There is no official export of these random models, so the Torch model is the reference.
/// </summary>
[Collection(ExportCollection.Name)]
public sealed class ExportParityTests(ITestOutputHelper output)
{
    private const int Size = 128;

    /// <summary>Raw outputs: 1e-4 absolute, as the issue asks.</summary>
    private const double RawTolerance = 1e-4;

    /// <summary>Decoded boxes are pixels (up to hundreds): 1e-4 absolute plus 1e-5 relative, float32 rounding of exp·stride.</summary>
    private const double DecodedRelative = 1e-5;

    [Theory]
    [InlineData(YoloXPreset.Nano)]
    [InlineData(YoloXPreset.Tiny)]
    [InlineData(YoloXPreset.S)]
    [InlineData(YoloXPreset.Darknet53)]
    public void OrtOnExportEqualsTorch_RawAndDecoded_Batch1And2(YoloXPreset preset) => CheckParity(preset);

    [Theory]
    [Trait("Category", "Slow")]
    [InlineData(YoloXPreset.M)]
    [InlineData(YoloXPreset.L)]
    [InlineData(YoloXPreset.X)]
    public void OrtOnExportEqualsTorch_LargePresets(YoloXPreset preset) => CheckParity(preset);

    private void CheckParity(YoloXPreset preset)
    {
        using var dir = new TempDir();
        using var model = ExportTestModels.Random(preset, inputSize: Size);
        using var images = ExportTestModels.Images(2, Size);
        string PathOf(bool decode) => dir.File($"{preset}-{(decode ? "decoded" : "raw")}.onnx");
        foreach (var decode in new[] { false, true })
        {
            model.ExportOnnx(PathOf(decode), new OnnxExportOptions { Decode = decode, DynamicBatch = true });
            output.WriteLine($"{preset} decode={decode}: {new FileInfo(PathOf(decode)).Length:N0} bytes, checker: {OnnxChecker.Check(PathOf(decode))}");
        }
        var float32 = ExportTestModels.Forward(model, images, decode: false);
        ExportTestModels.ToFloat64(model);
        // One float64 forward serves both files: the decoded reference is the model's own decode (AnchorPoints) of it.
        var (raw, decoded) = ExportTestModels.ForwardRawAndDecoded(model, images);
        output.WriteLine($"  (float32 Torch vs float64 Torch, raw: max {MaxDiff(raw, float32):G3})");
        foreach (var decode in new[] { false, true })
        {
            var path = PathOf(decode);
            var expected = decode ? decoded : raw;
            var perImage = expected.Length / 2;
            var rtol = decode ? DecodedRelative : 0;

            var (batch2, shape2) = OrtRun.Run(path, ExportTestModels.Data(images), [2, 3, Size, Size]);
            Assert.Equal(new long[] { 2, (Size / 8) * (Size / 8) + (Size / 16) * (Size / 16) + (Size / 32) * (Size / 32), 85 }, shape2);
            var err2 = FloatCompare.AssertClose(expected, batch2, RawTolerance, rtol, $"{preset} decode={decode} batch 2");

            using var first = images[TensorIndex.Slice(0, 1)];
            var (batch1, _) = OrtRun.Run(path, ExportTestModels.Data(first), [1, 3, Size, Size]);
            var err1 = FloatCompare.AssertClose(expected.AsSpan(0, perImage), batch1, RawTolerance, rtol, $"{preset} decode={decode} batch 1");
            output.WriteLine($"  decode={decode} max |ORT − Torch(float64)|: batch 1 {err1:G3}, batch 2 {err2:G3}");
        }
    }

    private static double MaxDiff(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs((double)x - y)).Max();
}
