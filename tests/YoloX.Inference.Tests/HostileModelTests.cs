using Google.Protobuf;
using Onnx;
using TorchSharp.PyBridge;
using YoloX.Core;
using YoloX.Core.Weights;
using YoloX.Inference.Backends;
using YoloX.Testing;

namespace YoloX.Inference.Tests;

/// <summary>
/// Damaged, foreign or mismatched model files on both backends: each gives <see cref="InvalidModelException"/> naming
/// the file (or an invalid-settings error naming the contradiction), never an exception from inside a native library,
/// and a detector built before keeps working.
/// </summary>
public sealed class HostileModelTests : IDisposable
{
    private readonly TempDir _dir = new();

    private static string GoldenOnnx => SharedAssets.Golden("yolox_nano_seed0_bncal.onnx");

    private static string GoldenPth => SharedAssets.Golden("yolox_nano_seed0_bncal.pth");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Onnx_input_with_another_name_is_read_from_the_model_and_gives_the_same_detections()
    {
        var path = WriteOnnx("renamed.onnx", SharedAssets.NanoOnnx, model =>
        {
            var old = model.Graph.Input[0].Name;
            model.Graph.Input[0].Name = "pixels";
            foreach (var node in model.Graph.Node)
            {
                for (var i = 0; i < node.Input.Count; i++)
                {
                    if (node.Input[i] == old)
                    {
                        node.Input[i] = "pixels";
                    }
                }
            }
        });
        using var original = OnnxDetectorTests.BuildNano();
        using var renamed = YoloXBuilder.Create().WithWeights(path).WithThresholds(0.3f, 0.45f).BuildDetector();
        Assert.Equal(original.Detect(SharedAssets.DogJpg).Detections, renamed.Detect(SharedAssets.DogJpg).Detections);
    }

    [Theory]
    [InlineData("rank3")]
    [InlineData("channels4")]
    [InlineData("width400")]
    public void Onnx_declaring_a_wrong_input_layout_is_rejected_naming_the_file(string damage)
    {
        // The declared input shape contradicts the graph: ONNX Runtime refuses the file, or our layout checks do.
        var path = WriteOnnx($"{damage}.onnx", GoldenOnnx, model =>
        {
            // (A wrong declared output shape is not a case: ONNX Runtime reports the output shape it infers.)
            var input = model.Graph.Input[0].Type.TensorType.Shape.Dim;
            switch (damage)
            {
                case "rank3": input.RemoveAt(3); break;
                case "channels4": input[1].DimValue = 4; break;
                default: input[3].DimValue = 400; break;
            }
        });
        var e = Record.Exception(() => new OnnxRuntimeBackend(path).Dispose());
        var invalid = Assert.IsType<InvalidModelException>(e);
        Assert.Equal(path, invalid.ModelPath);
        Assert.Contains(Path.GetFileName(path), invalid.Message);
    }

    [Theory]
    [InlineData(0, "[B, N, 5 + C] with C ≥ 1")]
    [InlineData(3, "84 anchors")]
    public void Onnx_whose_output_is_not_a_detector_head_is_rejected(int classes, string expected)
    {
        // A real, runnable graph with output [B, N, 5] (no class column), or one whose rows do not fit the strides.
        var rows = classes == 0 ? new float[84 * 5] : new float[83 * (5 + classes)];
        var path = _dir.Write($"head{classes}.onnx", OnnxTestModels.FakeDetector(64, classes, rows));
        var e = Assert.Throws<InvalidModelException>(() => new OnnxRuntimeBackend(path, null, (64, 64)));
        Assert.Equal(path, e.ModelPath);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Truncated_onnx_file_is_rejected_on_both_backends_naming_it()
    {
        var bytes = File.ReadAllBytes(GoldenOnnx);
        var path = _dir.Write("cut.onnx", bytes[..(bytes.Length / 2)]);
        Assert.Equal(path, Assert.Throws<InvalidModelException>(() => new OnnxRuntimeBackend(path)).ModelPath);
        Assert.Contains("cut.onnx", Assert.Throws<InvalidModelException>(() => TorchBackend.Load(path, YoloXPreset.Nano)).Message);
    }

    [Fact]
    public void Onnx_whose_external_data_file_is_missing_is_rejected_on_both_backends_naming_it()
    {
        var path = WriteOnnx("external.onnx", GoldenOnnx, model =>
        {
            var conv = model.Graph.Node.First(n => n.OpType == "Conv");
            var w = model.Graph.Initializer.Single(t => t.Name == conv.Input[1]);
            var length = w.RawData.Length;
            w.RawData = ByteString.Empty;
            w.DataLocation = TensorProto.Types.DataLocation.External;
            w.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "external.onnx.data" });
            w.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = length.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        });
        var ort = Assert.Throws<InvalidModelException>(() => new OnnxRuntimeBackend(path));
        Assert.Equal(path, ort.ModelPath);
        var torch = Assert.Throws<InvalidModelException>(() => TorchBackend.Load(path, YoloXPreset.Nano));
        Assert.Contains("external.onnx", torch.Message);
        Assert.Contains("external data", torch.Message);
    }

    [Fact]
    public void Onnx_with_an_initializer_shorter_than_its_shape_is_an_InvalidModelException_on_the_torch_backend()
    {
        var path = WriteOnnx("short.onnx", GoldenOnnx, model =>
        {
            var conv = model.Graph.Node.First(n => n.OpType == "Conv");
            var w = model.Graph.Initializer.Single(t => t.Name == conv.Input[1]);
            w.RawData = ByteString.CopyFrom(w.RawData.Span[..8]);
        });
        var e = Assert.Throws<InvalidModelException>(() => TorchBackend.Load(path, YoloXPreset.Nano));
        Assert.Equal(path, e.ModelPath);
        Assert.Contains("damaged", e.Message);
    }

    [Fact]
    public void Pth_with_missing_tensors_is_refused_for_inference_naming_them()
    {
        var state = PyTorchCheckpoint.ReadStateDict(GoldenPth);
        var path = _dir.File("partial.pth");
        try
        {
            PyTorchPickler.PickleStateDict(path, state.Where(kv => kv.Key != "head.obj_preds.2.bias").ToDictionary(kv => kv.Key, kv => kv.Value));
        }
        finally
        {
            state.Values.ToList().ForEach(t => t.Dispose());
        }
        var e = Assert.Throws<InvalidModelException>(() => TorchBackend.Load(path, YoloXPreset.Nano));
        Assert.Equal(path, e.ModelPath);
        Assert.Contains("head.obj_preds.2.bias", e.Message);
        Assert.Contains("missing", e.Message);
    }

    [Fact]
    public void Truncated_pth_and_pth_with_another_class_count_are_reported_not_crashes()
    {
        var bytes = File.ReadAllBytes(GoldenPth);
        var cut = _dir.Write("cut.pth", bytes[..(bytes.Length * 3 / 4)]);
        Assert.Equal(cut, Assert.Throws<InvalidModelException>(() => TorchBackend.Load(cut, YoloXPreset.Nano)).ModelPath);

        var e = Assert.Throws<InvalidModelException>(() => TorchBackend.Load(GoldenPth, YoloXPreset.Nano, numClasses: 3));
        Assert.Contains("cls_preds", e.Message);
        Assert.Contains("shape mismatches", e.Message);
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("huge-header")]
    [InlineData("bad-json")]
    public void Our_checkpoint_truncated_or_with_a_bad_header_is_an_InvalidModelException(string damage)
    {
        var good = _dir.File("good.safetensors");
        using (var model = YoloXModel.Create(YoloXPreset.Nano))
        {
            YoloXCheckpoint.Save(model, good);
        }
        var bytes = File.ReadAllBytes(good);
        switch (damage)
        {
            case "truncated": bytes = bytes[..(bytes.Length - 1000)]; break;
            case "huge-header": BitConverter.TryWriteBytes(bytes.AsSpan(0, 8), long.MaxValue / 2); break;
            default: bytes[9] = (byte)'#'; break;
        }
        var path = _dir.Write($"{damage}.safetensors", bytes);
        var e = Assert.Throws<InvalidModelException>(() => TorchBackend.Load(path, null));
        Assert.Equal(path, e.ModelPath);
    }

    [Fact]
    public void A_nano_onnx_file_with_another_preset_asked_for_on_onnx_runtime_is_rejected_naming_both()
    {
        var e = Assert.ThrowsAny<Exception>(() => YoloXBuilder.Create().WithModel(YoloXPreset.S)
            .WithWeights(SharedAssets.NanoOnnx).UseOnnxRuntime().BuildDetector());
        var invalid = Assert.IsType<InvalidModelException>(e);
        Assert.Contains("holds a YOLOX-Nano network", invalid.Message);
        Assert.Contains("WithModel(S)", invalid.Message);
        Assert.Equal(SharedAssets.NanoOnnx, invalid.ModelPath);
        using var matching = YoloXBuilder.Create().WithModel(YoloXPreset.Nano).WithWeights(SharedAssets.NanoOnnx).BuildDetector();
        Assert.NotEmpty(matching.Detect(SharedAssets.DogJpg).Detections);
    }

    private string WriteOnnx(string name, string source, Action<ModelProto> damage)
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(source));
        damage(model);
        return _dir.Write(name, model.ToByteArray());
    }
}
