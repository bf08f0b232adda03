using static TorchSharp.torch;

namespace YoloX.Core.Export;

/// <summary>Writes the ONNX nodes of one module type (one emitter per building block).</summary>
internal interface IOnnxModuleEmitter
{
    /// <summary>The exact module type this emitter handles.</summary>
    Type ModuleType { get; }

    /// <summary>Appends the module's nodes; returns the names of its outputs.</summary>
    IReadOnlyList<string> Emit(nn.Module module, IReadOnlyList<string> inputs, OnnxEmitContext context);
}

/// <summary>Typed base of the emitters.</summary>
internal abstract class OnnxModuleEmitter<TModule> : IOnnxModuleEmitter where TModule : nn.Module
{
    public Type ModuleType => typeof(TModule);

    public IReadOnlyList<string> Emit(nn.Module module, IReadOnlyList<string> inputs, OnnxEmitContext context) =>
        Emit((TModule)module, inputs, context);

    protected abstract IReadOnlyList<string> Emit(TModule module, IReadOnlyList<string> inputs, OnnxEmitContext context);
}
