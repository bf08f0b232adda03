using static TorchSharp.torch;
using TorchSharp.Modules;
using YoloX.Core.Export.Emitters;

namespace YoloX.Core.Export;

/// <summary>
/// The emitter of each module type. Lookup is by exact type, so a new module type (even a subclass of a known one)
/// fails export with its name instead of being written wrongly.
/// </summary>
internal sealed class OnnxEmitterRegistry
{
    private readonly Dictionary<Type, IOnnxModuleEmitter> _emitters;

    public OnnxEmitterRegistry(IEnumerable<IOnnxModuleEmitter> emitters) =>
        _emitters = emitters.ToDictionary(e => e.ModuleType);

    /// <summary>Every emitter of the model zoo.</summary>
    public static OnnxEmitterRegistry Default { get; } = new(
    [
        new YoloXModelEmitter(), new YOLOPAFPNEmitter(), new YOLOFPNEmitter(), new CSPDarknetEmitter(), new DarknetEmitter(),
        new YOLOXHeadEmitter(), new FocusEmitter(), new BaseConvEmitter(), new DWConvEmitter(), new BottleneckEmitter(),
        new CSPLayerEmitter(), new SPPBottleneckEmitter(), new ResLayerEmitter(), new SequentialEmitter(),
        new Conv2dEmitter(), new SiLUEmitter(), new ReLUEmitter(), new LeakyReLUEmitter(),
    ]);

    /// <summary>
    /// Module types that parents read directly instead of dispatching: lists (the head indexes them, SPP reads its pool
    /// sizes), a BaseConv's batch norm (folded into its conv) and SPP's MaxPool2d layers.
    /// </summary>
    public static bool IsReadByParent(Type type) =>
        type == typeof(BatchNorm2d) || type == typeof(MaxPool2d) ||
        (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ModuleList<>));

    /// <summary>Whether <paramref name="type"/> has an emitter.</summary>
    public bool Supports(Type type) => _emitters.ContainsKey(type);

    /// <summary>The emitter of <paramref name="module"/>'s type.</summary>
    /// <exception cref="OnnxExportException">No emitter exists for the type.</exception>
    public IOnnxModuleEmitter Find(nn.Module module) =>
        _emitters.TryGetValue(module.GetType(), out var emitter)
            ? emitter
            : throw new OnnxExportException(
                $"Cannot export module type '{module.GetType().FullName}': no ONNX emitter is registered for it. " +
                "Add one in YoloX.Core/Export/Emitters.");
}
