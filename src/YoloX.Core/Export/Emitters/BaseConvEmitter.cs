using TorchSharp.Modules;
using YoloX.Core.Modules;

namespace YoloX.Core.Export.Emitters;

/// <summary>BaseConv: Conv (batch norm folded in) then the activation.</summary>
internal sealed class BaseConvEmitter : OnnxModuleEmitter<BaseConv>
{
    protected override IReadOnlyList<string> Emit(BaseConv module, IReadOnlyList<string> inputs, OnnxEmitContext context)
    {
        var conv = context.Graph.InScope("conv", () =>
            ConvolutionWriter.Write(context, inputs[0], module.Conv, module.BatchNorm, module.Stride, (module.KernelSize - 1) / 2, module.Groups));
        return [context.EmitChild(module, "act", conv)];
    }
}

/// <summary>A bare Conv2d (the head's prediction layers).</summary>
internal sealed class Conv2dEmitter : OnnxModuleEmitter<Conv2d>
{
    protected override IReadOnlyList<string> Emit(Conv2d module, IReadOnlyList<string> inputs, OnnxEmitContext context)
    {
        var shape = module.weight!.shape;
        // Our model only has bare 1×1 stride-1 convolutions (cls/reg/obj preds); anything else needs its own emitter.
        if (shape[2] != 1 || shape[3] != 1)
        {
            throw new OnnxExportException($"Only 1×1 bare Conv2d layers are supported, got kernel {shape[2]}×{shape[3]}.");
        }
        return [ConvolutionWriter.Write(context, inputs[0], module, null, 1, 0, 1)];
    }
}
