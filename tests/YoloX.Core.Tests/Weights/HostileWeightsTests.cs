using Google.Protobuf;
using Onnx;
using TorchSharp;
using TorchSharp.PyBridge;
using Xunit;
using YoloX.Core.Weights;
using YoloX.Testing;
using static TorchSharp.torch;

namespace YoloX.Core.Tests.Weights;

/// <summary>
/// Damaged or foreign weight files: each gives a typed exception naming the file (and the tensor or key), never an
/// exception from inside TorchSharp or a model that silently keeps its random initial weights.
/// </summary>
public sealed class HostileWeightsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("yolox-hostile-").FullName;

    private static string GoldenPth => SharedAssets.Golden("yolox_nano_seed0_bncal.pth");

    private static string GoldenOnnx => SharedAssets.Golden("yolox_nano_seed0_bncal.onnx");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Pth_checkpoint_with_missing_tensors_is_an_error_naming_them()
    {
        var path = WritePthWithout("head.cls_preds.0.weight", "backbone.backbone.stem.conv.conv.weight");
        using var model = YoloXModel.Create(YoloXPreset.Nano);
        var e = Assert.Throws<WeightsMismatchException>(() => PyTorchCheckpoint.Load(model, path));
        Assert.Contains("head.cls_preds.0.weight", e.Message);
        Assert.Contains("backbone.backbone.stem.conv.conv.weight", e.Message);
        Assert.Contains(Path.GetFileName(path), e.Message);
        Assert.Equal(2, e.Report!.Missing.Count);
    }

    [Fact]
    public void Pth_checkpoint_with_missing_tensors_is_a_report_when_fine_tuning_asks_to_skip()
    {
        var path = WritePthWithout("head.cls_preds.0.weight");
        using var model = YoloXModel.Create(YoloXPreset.Nano);
        var report = PyTorchCheckpoint.Load(model, path, skipMismatchedShapes: true);
        Assert.Equal(["head.cls_preds.0.weight"], report.Missing);
    }

    [Fact]
    public void Truncated_pth_checkpoint_gives_a_format_error_naming_the_file()
    {
        var bytes = File.ReadAllBytes(GoldenPth);
        var path = Path.Combine(_dir, "truncated.pth");
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        using var model = YoloXModel.Create(YoloXPreset.Nano);
        var e = Assert.Throws<WeightsFormatException>(() => PyTorchCheckpoint.Load(model, path));
        Assert.Contains("truncated.pth", e.Message);
    }

    [Fact]
    public void Onnx_initializer_shorter_than_its_shape_gives_a_format_error_naming_file_and_tensor()
    {
        string? name = null;
        var path = WriteOnnx("short.onnx", graph =>
        {
            var w = Initializer(graph, FirstConv(graph).Input[1]);
            name = w.Name;
            w.RawData = ByteString.CopyFrom(w.RawData.Span[..(w.RawData.Length / 2)]);
        });
        var e = Assert.Throws<WeightsFormatException>(() => OnnxWeightsImporter.Load(path));
        Assert.Contains("short.onnx", e.Message);
        Assert.Contains($"'{name}'", e.Message);
    }

    [Fact]
    public void Onnx_with_external_data_gives_a_format_error_naming_the_file()
    {
        var path = WriteOnnx("external.onnx", graph =>
        {
            var w = Initializer(graph, FirstConv(graph).Input[1]);
            w.RawData = ByteString.Empty;
            w.DataLocation = TensorProto.Types.DataLocation.External;
            w.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "external.onnx.data" });
        });
        var e = Assert.Throws<WeightsFormatException>(() => OnnxWeightsImporter.Load(path));
        Assert.Contains("external.onnx", e.Message);
        Assert.Contains("external data", e.Message);
    }

    [Theory]
    [InlineData("strides", 1)]
    [InlineData("pads", 2)]
    [InlineData("pads", 3)]
    [InlineData("dilations", 0)]
    public void Onnx_convolution_attribute_that_differs_from_the_model_in_any_position_is_rejected(string attribute, int position)
    {
        var path = WriteOnnx($"{attribute}{position}.onnx", graph =>
        {
            var conv = FirstConv(graph);
            var attr = conv.Attribute.FirstOrDefault(a => a.Name == attribute);
            if (attr is null)
            {
                attr = new AttributeProto { Name = attribute, Type = AttributeProto.Types.AttributeType.Ints };
                attr.Ints.AddRange([1, 1]);
                conv.Attribute.Add(attr);
            }
            attr.Ints[position] += 1;
        });
        var e = Assert.Throws<WeightsMismatchException>(() => OnnxWeightsImporter.Load(path));
        Assert.Contains($"{attribute}{position}.onnx", e.Message);
        Assert.Contains(attribute, e.Message);
    }

    [Fact]
    public void Truncated_onnx_file_gives_a_format_error()
    {
        var bytes = File.ReadAllBytes(GoldenOnnx);
        var path = Path.Combine(_dir, "cut.onnx");
        File.WriteAllBytes(path, bytes[..(bytes.Length * 2 / 3)]);
        var e = Record.Exception(() => OnnxWeightsImporter.Load(path));
        Assert.True(e is WeightsFormatException or WeightsMismatchException, e?.ToString());
        Assert.Contains("cut.onnx", e!.Message);
    }

    private string WritePthWithout(params string[] keys)
    {
        var state = PyTorchCheckpoint.ReadStateDict(GoldenPth);
        try
        {
            var kept = state.Where(kv => !keys.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value);
            Assert.Equal(state.Count - keys.Length, kept.Count);
            var path = Path.Combine(_dir, "missing.pth");
            PyTorchPickler.PickleStateDict(path, kept);
            return path;
        }
        finally
        {
            foreach (var t in state.Values)
            {
                t.Dispose();
            }
        }
    }

    private string WriteOnnx(string name, Action<GraphProto> damage)
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(GoldenOnnx));
        damage(model.Graph);
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }

    private static NodeProto FirstConv(GraphProto graph) => graph.Node.First(n => n.OpType == "Conv");

    private static TensorProto Initializer(GraphProto graph, string name) => graph.Initializer.Single(t => t.Name == name);
}
