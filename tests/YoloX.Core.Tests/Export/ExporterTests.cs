using TorchSharp;
using YoloX.Core;
using YoloX.Core.Export;
using YoloX.Core.Necks;
using Xunit;
using static TorchSharp.torch;

namespace YoloX.Core.Tests.Export;

/// <summary>Export structure: coverage of every preset's module types, refusal of unknown modules, options and layout.</summary>
public sealed class ExporterTests
{
    [Theory]
    [InlineData(YoloXPreset.Nano)]
    [InlineData(YoloXPreset.Tiny)]
    [InlineData(YoloXPreset.S)]
    [InlineData(YoloXPreset.M)]
    [InlineData(YoloXPreset.L)]
    [InlineData(YoloXPreset.X)]
    [InlineData(YoloXPreset.Darknet53)]
    public void EveryModuleTypeOfEveryPreset_HasAnEmitter(YoloXPreset preset)
    {
        using var model = YoloXModel.Create(preset);
        var missing = model.modules().Select(m => m.GetType()).Append(model.GetType()).Distinct()
            .Where(t => !OnnxExporter.CanExport(t)).Select(t => t.FullName).ToList();
        Assert.Empty(missing);
    }

    [Fact]
    public void UnknownModuleType_FailsWithItsName_AndWritesNoFile()
    {
        using var model = new YoloXModel(new CustomNeck(), new Heads.YOLOXHead(80, 0.25), YoloXConfig.FromPreset(YoloXPreset.Nano));
        var path = Path.Combine(Path.GetTempPath(), $"yolox-export-{Guid.NewGuid():N}.onnx");
        var e = Assert.Throws<OnnxExportException>(() => model.ExportOnnx(path));
        Assert.Contains(nameof(CustomNeck), e.Message);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void DefaultLayout_IsTheOfficialOne()
    {
        using var model = YoloXModel.Create(YoloXPreset.Nano);
        var proto = OnnxExporter.ToModelProto(model);
        Assert.Equal(11, proto.OpsetImport.Single().Version);
        Assert.Equal("images", proto.Graph.Input.Single().Name);
        Assert.Equal([1L, 3, 416, 416], proto.Graph.Input[0].Type.TensorType.Shape.Dim.Select(d => d.DimValue));
        Assert.Equal("output", proto.Graph.Output.Single().Name);
        Assert.Equal([1L, 3549, 85], proto.Graph.Output[0].Type.TensorType.Shape.Dim.Select(d => d.DimValue));
        // BN folded: no BatchNormalization node, one Conv per convolution with a bias.
        Assert.DoesNotContain(proto.Graph.Node, n => n.OpType == "BatchNormalization");
        Assert.Equal(model.modules().OfType<TorchSharp.Modules.Conv2d>().Count(), proto.Graph.Node.Count(n => n.OpType == "Conv"));
        Assert.All(proto.Graph.Node.Where(n => n.OpType == "Conv"), n => Assert.Equal(3, n.Input.Count));
        var metadata = proto.MetadataProps.ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal("false", metadata[OnnxMetadataKeys.Decoded]);
        Assert.Equal("false", metadata[OnnxMetadataKeys.Nms]);
        Assert.Equal("Nano", metadata[OnnxMetadataKeys.Preset]);
        Assert.Equal("416", metadata[OnnxMetadataKeys.InputWidth]);
    }

    [Fact]
    public void ExportDoesNotChangeTheModel()
    {
        using var model = YoloXModel.Create(YoloXPreset.Nano);
        model.eval();
        var before = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        OnnxExporter.ToModelProto(model, new OnnxExportOptions { Nms = true });
        Assert.False(model.IsFused);
        foreach (var (key, value) in model.state_dict())
        {
            Assert.True(value.allclose(before[key], 0, 0, true), key);
        }
    }

    [Theory]
    [InlineData(10)]
    [InlineData(18)]
    public void OpsetOutsideElevenToSeventeen_IsRejected(int opset) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new OnnxExportOptions { Opset = opset }.Validate());

    [Fact]
    public void WrongClassNameCount_IsRejected()
    {
        using var model = YoloXModel.Create(YoloXPreset.Nano, numClasses: 2);
        Assert.Throws<ArgumentException>(() => OnnxExporter.ToModelProto(model, new OnnxExportOptions { ClassNames = ["a"] }));
    }

    [Fact]
    public void InputSizeNotMultipleOf32_IsRejected()
    {
        using var model = YoloXModel.Create(YoloXPreset.Nano);
        Assert.Throws<ArgumentException>(() => OnnxExporter.ToModelProto(model, new OnnxExportOptions { InputWidth = 100, InputHeight = 100 }));
    }

    private sealed class CustomNeck : FeaturePyramid
    {
        private readonly YOLOPAFPN inner = new(0.33, 0.25, depthwise: true);

        public CustomNeck() : base(nameof(CustomNeck)) => RegisterComponents();

        public override IReadOnlyList<long> OutChannels => inner.OutChannels;

        public override Tensor[] forward(Tensor input) => inner.call(input);
    }
}
