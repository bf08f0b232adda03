using TorchSharp.Modules;
using YoloX.Core.Modules;

namespace YoloX.Core.Export.Emitters;

/// <summary>Focus: the four strided slices (top-left, bottom-left, top-right, bottom-right) concatenated, then its conv.</summary>
internal sealed class FocusEmitter : OnnxModuleEmitter<Focus>
{
    protected override IReadOnlyList<string> Emit(Focus module, IReadOnlyList<string> inputs, OnnxEmitContext context)
    {
        var g = context.Graph;
        string Slice(long row, long col) => g.Node("Slice",
            [inputs[0], g.Int64s(row, col), g.Int64s(long.MaxValue, long.MaxValue), g.Int64s(2, 3), g.Int64s(2, 2)]);
        var parts = new[] { Slice(0, 0), Slice(1, 0), Slice(0, 1), Slice(1, 1) };
        var stacked = g.Node("Concat", parts, OnnxGraphBuilder.Attr("axis", 1L));
        return [context.EmitChild(module, "conv", stacked)];
    }
}

/// <summary>DWConv: depthwise then pointwise BaseConv.</summary>
internal sealed class DWConvEmitter : OnnxModuleEmitter<DWConv>
{
    protected override IReadOnlyList<string> Emit(DWConv module, IReadOnlyList<string> inputs, OnnxEmitContext context) =>
        [context.EmitChild(module, "pconv", context.EmitChild(module, "dconv", inputs[0]))];
}

/// <summary>Bottleneck: conv1, conv2, plus the input when the block has a shortcut.</summary>
internal sealed class BottleneckEmitter : OnnxModuleEmitter<Bottleneck>
{
    protected override IReadOnlyList<string> Emit(Bottleneck module, IReadOnlyList<string> inputs, OnnxEmitContext context)
    {
        var y = context.EmitChild(module, "conv2", context.EmitChild(module, "conv1", inputs[0]));
        return [module.UseAdd ? context.Graph.Node("Add", [y, inputs[0]]) : y];
    }
}

/// <summary>CSPLayer: conv1 → bottlenecks, conv2, concatenated, conv3 (in the official call order).</summary>
internal sealed class CSPLayerEmitter : OnnxModuleEmitter<CSPLayer>
{
    protected override IReadOnlyList<string> Emit(CSPLayer module, IReadOnlyList<string> inputs, OnnxEmitContext context)
    {
        var x1 = context.EmitChild(module, "conv1", inputs[0]);
        var x2 = context.EmitChild(module, "conv2", inputs[0]);
        x1 = context.EmitChild(module, "m", x1);
        var cat = context.Graph.Node("Concat", [x1, x2], OnnxGraphBuilder.Attr("axis", 1L));
        return [context.EmitChild(module, "conv3", cat)];
    }
}

/// <summary>SPPBottleneck: conv1, max pools (stride 1, padding k/2) concatenated with their input, conv2.</summary>
internal sealed class SPPBottleneckEmitter : OnnxModuleEmitter<SPPBottleneck>
{
    protected override IReadOnlyList<string> Emit(SPPBottleneck module, IReadOnlyList<string> inputs, OnnxEmitContext context)
    {
        var x = context.EmitChild(module, "conv1", inputs[0]);
        var pools = context.Graph.InScope("m", () => module.KernelSizes.Select(k => context.Graph.Node("MaxPool", [x],
            OnnxGraphBuilder.Attr("kernel_shape", k, k),
            OnnxGraphBuilder.Attr("strides", 1L, 1L),
            OnnxGraphBuilder.Attr("pads", k / 2, k / 2, k / 2, k / 2))).ToList());
        var cat = context.Graph.Node("Concat", [x, .. pools], OnnxGraphBuilder.Attr("axis", 1L));
        return [context.EmitChild(module, "conv2", cat)];
    }
}

/// <summary>ResLayer: input + layer2(layer1(input)).</summary>
internal sealed class ResLayerEmitter : OnnxModuleEmitter<ResLayer>
{
    protected override IReadOnlyList<string> Emit(ResLayer module, IReadOnlyList<string> inputs, OnnxEmitContext context)
    {
        var y = context.EmitChild(module, "layer2", context.EmitChild(module, "layer1", inputs[0]));
        return [context.Graph.Node("Add", [inputs[0], y])];
    }
}

/// <summary>Sequential: its children in order.</summary>
internal sealed class SequentialEmitter : OnnxModuleEmitter<Sequential>
{
    protected override IReadOnlyList<string> Emit(Sequential module, IReadOnlyList<string> inputs, OnnxEmitContext context)
    {
        var x = inputs[0];
        foreach (var (name, _) in OnnxEmitContext.Children(module))
        {
            x = context.EmitChild(module, name, x);
        }
        return [x];
    }
}
