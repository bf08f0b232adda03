using Xunit.Abstractions;
using YoloX.Core;
using YoloX.Core.Export;
using YoloX.Core.Weights;
using YoloX.Testing;

namespace YoloX.Inference.Tests.Export;

/// <summary>
/// Official files are the reference here: weights taken from an official export (or from the checkpoint an official
/// export was made from) and re-exported by us give ONNX Runtime outputs equal to the official file's on the golden
/// dog.jpg input (golden/dog_input_416: the official ValTransform of assets/images/dog.jpg).
/// </summary>
[Collection(ExportCollection.Name)]
public sealed class RoundTripTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-4;

    [Fact]
    public void OfficialNanoOnnx_ImportedAndReexported_GivesTheOfficialOutputOnDog()
    {
        using var dir = new TempDir();
        var official = SharedAssets.NanoOnnx;
        var (model, _) = OnnxWeightsImporter.Load(official);
        using (model)
        {
            var ours = dir.File("nano-roundtrip.onnx");
            model.ExportOnnx(ours);
            CompareWithOfficial(official, ours, "official yolox_nano.onnx");
        }
    }

    [Fact]
    public void GoldenNanoPth_Exported_GivesTheGoldenOnnxOutputOnDog()
    {
        using var dir = new TempDir();
        using var model = YoloXModel.Create(YoloXPreset.Nano);
        PyTorchCheckpoint.Load(model, SharedAssets.Golden("yolox_nano_seed0_bncal.pth"));
        model.eval();
        var ours = dir.File("nano-bncal.onnx");
        model.ExportOnnx(ours);
        CompareWithOfficial(SharedAssets.Golden("yolox_nano_seed0_bncal.onnx"), ours, "golden yolox_nano_seed0_bncal.onnx");
    }

    private void CompareWithOfficial(string officialPath, string oursPath, string what)
    {
        output.WriteLine($"checker: {OnnxChecker.Check(oursPath)}");
        var input = RawTensorFile.ReadMap(SharedAssets.Golden("dog_input_416.json"))["images"].Float32!;
        var (expected, expectedShape) = OrtRun.Run(officialPath, input, [1, 3, 416, 416]);
        var (actual, actualShape) = OrtRun.Run(oursPath, input, [1, 3, 416, 416]);
        Assert.Equal(expectedShape, actualShape);
        var err = FloatCompare.AssertClose(expected, actual, Tolerance, 0, what);
        output.WriteLine($"{what}: max |ours − official| {err:G3} over {expected.Length} values (max |official| {FloatCompare.MaxAbs(expected):G3})");
    }
}
