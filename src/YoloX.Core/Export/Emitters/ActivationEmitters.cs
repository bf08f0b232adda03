using TorchSharp.Modules;

namespace YoloX.Core.Export.Emitters;

/// <summary>SiLU as <c>Sigmoid</c>·<c>Mul</c>, as the official export writes it (ONNX has no SiLU operator; runtimes fuse the pair).</summary>
internal sealed class SiLUEmitter : OnnxModuleEmitter<SiLU>
{
    protected override IReadOnlyList<string> Emit(SiLU module, IReadOnlyList<string> inputs, OnnxEmitContext context)
    {
        var sigmoid = context.Graph.Node("Sigmoid", [inputs[0]]);
        return [context.Graph.Node("Mul", [inputs[0], sigmoid])];
    }
}

/// <summary>ReLU.</summary>
internal sealed class ReLUEmitter : OnnxModuleEmitter<ReLU>
{
    protected override IReadOnlyList<string> Emit(ReLU module, IReadOnlyList<string> inputs, OnnxEmitContext context) =>
        [context.Graph.Node("Relu", [inputs[0]])];
}

/// <summary>LeakyReLU with the module's slope (0.1 in Darknet53).</summary>
internal sealed class LeakyReLUEmitter : OnnxModuleEmitter<LeakyReLU>
{
    protected override IReadOnlyList<string> Emit(LeakyReLU module, IReadOnlyList<string> inputs, OnnxEmitContext context) =>
        [context.Graph.Node("LeakyRelu", [inputs[0]], OnnxGraphBuilder.Attr("alpha", (float)module.negative_slope))];
}
