using TorchSharp.Modules;
using YoloX.Core.Backbones;
using YoloX.Core.Heads;
using YoloX.Core.Necks;

namespace YoloX.Core.Export.Emitters;

/// <summary>Backbones: stem → dark2 → dark3 → dark4 → dark5, returning dark3..dark5 (shared by CSPDarknet and Darknet).</summary>
internal static class Stages
{
    public static IReadOnlyList<string> Emit(Backbone module, string input, OnnxEmitContext context)
    {
        var x3 = context.EmitChild(module, "dark3", context.EmitChild(module, "dark2", context.EmitChild(module, "stem", input)));
        var x4 = context.EmitChild(module, "dark4", x3);
        var x5 = context.EmitChild(module, "dark5", x4);
        return [x3, x4, x5];
    }

    /// <summary>Nearest-neighbour ×2 upsampling (torch <c>interpolate(scale_factor=2, mode="nearest")</c>).</summary>
    public static string Upsample(OnnxEmitContext context, string input)
    {
        var g = context.Graph;
        // Resize-11 needs an roi input even when unused; an empty tensor is valid in every opset we write.
        var roi = g.SharedFloats([], 0);
        var scales = g.SharedFloats([1f, 1f, 2f, 2f], 4);
        return g.Node("Resize", [input, roi, scales],
            OnnxGraphBuilder.Attr("mode", "nearest"),
            OnnxGraphBuilder.Attr("coordinate_transformation_mode", "asymmetric"),
            OnnxGraphBuilder.Attr("nearest_mode", "floor"));
    }

    public static string Concat(OnnxEmitContext context, params string[] inputs) =>
        context.Graph.Node("Concat", inputs, OnnxGraphBuilder.Attr("axis", 1L));
}

/// <summary>CSPDarknet backbone.</summary>
internal sealed class CSPDarknetEmitter : OnnxModuleEmitter<CSPDarknet>
{
    protected override IReadOnlyList<string> Emit(CSPDarknet module, IReadOnlyList<string> inputs, OnnxEmitContext context) =>
        Stages.Emit(module, inputs[0], context);
}

/// <summary>Darknet backbone.</summary>
internal sealed class DarknetEmitter : OnnxModuleEmitter<Darknet>
{
    protected override IReadOnlyList<string> Emit(Darknet module, IReadOnlyList<string> inputs, OnnxEmitContext context) =>
        Stages.Emit(module, inputs[0], context);
}

/// <summary>YOLOPAFPN: top-down then bottom-up path, as its forward.</summary>
internal sealed class YOLOPAFPNEmitter : OnnxModuleEmitter<YOLOPAFPN>
{
    protected override IReadOnlyList<string> Emit(YOLOPAFPN module, IReadOnlyList<string> inputs, OnnxEmitContext context)
    {
        var f = context.EmitChild(module, "backbone", inputs);
        var (x2, x1, x0) = (f[0], f[1], f[2]);
        var fpnOut0 = context.EmitChild(module, "lateral_conv0", x0);
        var fOut0 = context.EmitChild(module, "C3_p4", Stages.Concat(context, Stages.Upsample(context, fpnOut0), x1));
        var fpnOut1 = context.EmitChild(module, "reduce_conv1", fOut0);
        var panOut2 = context.EmitChild(module, "C3_p3", Stages.Concat(context, Stages.Upsample(context, fpnOut1), x2));
        var panOut1 = context.EmitChild(module, "C3_n3", Stages.Concat(context, context.EmitChild(module, "bu_conv2", panOut2), fpnOut1));
        var panOut0 = context.EmitChild(module, "C3_n4", Stages.Concat(context, context.EmitChild(module, "bu_conv1", panOut1), fpnOut0));
        return [panOut2, panOut1, panOut0];
    }
}

/// <summary>YOLOFPN (YOLOv3 neck over Darknet53).</summary>
internal sealed class YOLOFPNEmitter : OnnxModuleEmitter<YOLOFPN>
{
    protected override IReadOnlyList<string> Emit(YOLOFPN module, IReadOnlyList<string> inputs, OnnxEmitContext context)
    {
        var f = context.EmitChild(module, "backbone", inputs);
        var (x2, x1, x0) = (f[0], f[1], f[2]);
        var outDark4 = context.EmitChild(module, "out1",
            Stages.Concat(context, Stages.Upsample(context, context.EmitChild(module, "out1_cbl", x0)), x1));
        var outDark3 = context.EmitChild(module, "out2",
            Stages.Concat(context, Stages.Upsample(context, context.EmitChild(module, "out2_cbl", outDark4)), x2));
        return [outDark3, outDark4, x0];
    }
}

/// <summary>
/// YOLOXHead in inference form, undecoded: per level cat(reg, sigmoid(obj), sigmoid(cls)) flattened to
/// [B, 5 + C, h·w], levels concatenated and transposed to [B, N, 5 + C].
/// </summary>
internal sealed class YOLOXHeadEmitter : OnnxModuleEmitter<YOLOXHead>
{
    protected override IReadOnlyList<string> Emit(YOLOXHead module, IReadOnlyList<string> inputs, OnnxEmitContext context)
    {
        var g = context.Graph;
        var levels = new List<string>();
        for (var k = 0; k < inputs.Count; k++)
        {
            var i = k.ToString(System.Globalization.CultureInfo.InvariantCulture);
            string Child(string list, string input) =>
                g.InScope(list, () => context.EmitChild(OnnxEmitContext.Child(module, list), i, input));
            var x = Child("stems", inputs[k]);
            var cls = Child("cls_preds", Child("cls_convs", x));
            var regFeat = Child("reg_convs", x);
            var reg = Child("reg_preds", regFeat);
            var obj = Child("obj_preds", regFeat);
            var level = g.Node("Concat", [reg, g.Node("Sigmoid", [obj]), g.Node("Sigmoid", [cls])], OnnxGraphBuilder.Attr("axis", 1L));
            levels.Add(g.Node("Reshape", [level, g.Int64s(0, 5 + module.NumClasses, -1)]));
        }
        var all = g.Node("Concat", levels, OnnxGraphBuilder.Attr("axis", 2L));
        return [g.Node("Transpose", [all], OnnxGraphBuilder.Attr("perm", 0L, 2L, 1L))];
    }
}

/// <summary>The whole network: neck (with backbone) then head.</summary>
internal sealed class YoloXModelEmitter : OnnxModuleEmitter<YoloXModel>
{
    protected override IReadOnlyList<string> Emit(YoloXModel module, IReadOnlyList<string> inputs, OnnxEmitContext context) =>
        context.EmitChild(module, "head", context.EmitChild(module, "backbone", inputs));
}
