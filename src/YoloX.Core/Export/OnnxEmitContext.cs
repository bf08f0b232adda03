using static TorchSharp.torch;

namespace YoloX.Core.Export;

/// <summary>What an emitter works with: the graph being built, and dispatch of child modules to their emitters.</summary>
internal sealed class OnnxEmitContext
{
    private readonly OnnxEmitterRegistry _registry;

    public OnnxEmitContext(OnnxGraphBuilder graph, OnnxEmitterRegistry registry, CancellationToken cancellationToken)
    {
        Graph = graph;
        _registry = registry;
        CancellationToken = cancellationToken;
    }

    public OnnxGraphBuilder Graph { get; }

    public CancellationToken CancellationToken { get; }

    /// <summary>Emits a module through the emitter of its type.</summary>
    public IReadOnlyList<string> Emit(nn.Module module, IReadOnlyList<string> inputs)
    {
        CancellationToken.ThrowIfCancellationRequested();
        return _registry.Find(module).Emit(module, inputs, this);
    }

    /// <summary>Emits the child <paramref name="name"/> of <paramref name="parent"/> under its name's scope.</summary>
    public IReadOnlyList<string> EmitChild(nn.Module parent, string name, IReadOnlyList<string> inputs) =>
        Graph.InScope(name, () => Emit(Child(parent, name), inputs));

    /// <summary>Emits a single-input, single-output child.</summary>
    public string EmitChild(nn.Module parent, string name, string input) => Single(EmitChild(parent, name, [input]), parent, name);

    /// <summary>The registered child module <paramref name="name"/> (a field name, or an index in a list).</summary>
    public static nn.Module Child(nn.Module parent, string name)
    {
        foreach (var (childName, child) in parent.named_children())
        {
            if (childName == name)
            {
                return child;
            }
        }
        throw new OnnxExportException($"Module {parent.GetType().Name} has no child '{name}'; its emitter does not fit it.");
    }

    /// <summary>The registered children in registration order (the order a Sequential runs them).</summary>
    public static IEnumerable<(string Name, nn.Module Module)> Children(nn.Module parent) =>
        parent.named_children().Select(c => (c.name, c.module));

    private static string Single(IReadOnlyList<string> outputs, nn.Module parent, string name) =>
        outputs.Count == 1
            ? outputs[0]
            : throw new OnnxExportException($"Child '{name}' of {parent.GetType().Name} gave {outputs.Count} outputs where one was expected.");
}
