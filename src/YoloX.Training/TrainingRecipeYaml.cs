using System.Reflection;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace YoloX.Training;

/// <summary>
/// YAML reading and writing of <see cref="TrainingRecipe"/> with YamlDotNet's parser and emitter, driven by the key
/// table of <see cref="TrainingRecipeFields"/>. The file is a flat mapping of official key names to scalars or flow
/// lists, so any YAML tool (and the official <c>exp</c> names) reads it.
/// </summary>
internal static class TrainingRecipeYaml
{
    private const string ResourcePrefix = "YoloX.Training.Recipes.";

    public static TrainingRecipe Parse(string yaml, TrainingRecipe? baseRecipe, string source)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new TrainingRecipeException($"{source}: not valid YAML ({e.Start}): {e.Message}", inner: e);
        }
        if (stream.Documents.Count == 0)
            return baseRecipe ?? TrainingRecipe.Default;
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new TrainingRecipeException($"{source}: a recipe is a mapping of keys to values (e.g. 'max_epoch: 300').");

        var entries = root.Children.Select(kv => (Key: KeyOf(kv.Key, source), Node: kv.Value)).ToList();
        var recipe = baseRecipe ?? StartFor(entries, source);
        foreach (var (key, node) in entries)
        {
            var field = TrainingRecipeFields.Find(key);
            recipe = field.Parse(recipe, ValueOf(node, key, source));
        }
        return recipe;
    }

    public static TrainingRecipe ApplyOverride(TrainingRecipe recipe, string pair)
    {
        ArgumentNullException.ThrowIfNull(pair);
        var eq = pair.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
            throw new TrainingRecipeException($"Override '{pair}' is not of the form key=value.");
        var field = TrainingRecipeFields.Find(pair[..eq]);
        var valueText = pair[(eq + 1)..].Trim();
        RecipeValue value;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader("v: " + valueText));
            value = ValueOf(((YamlMappingNode)stream.Documents[0].RootNode).Children.Values.Single(), field.Key, "override");
        }
        catch (YamlException)
        {
            value = RecipeValue.Of(valueText); // not YAML (e.g. "a: b"): let the field judge the raw text
        }
        return field.Parse(recipe, value);
    }

    public static string Write(TrainingRecipe recipe)
    {
        var text = new StringWriter { NewLine = "\n" };
        var emitter = new Emitter(text, bestIndent: 2, bestWidth: int.MaxValue);
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart());
        emitter.Emit(new Comment($"YOLOX training recipe '{recipe.Name}' (YoloX.NET; keys are the official exp names)", false));
        emitter.Emit(new MappingStart(null, null, false, MappingStyle.Block));
        foreach (var field in TrainingRecipeFields.All)
        {
            emitter.Emit(new Comment(field.Comment, false));
            emitter.Emit(new Scalar(field.Key));
            EmitValue(emitter, field.Format(recipe));
        }
        emitter.Emit(new MappingEnd());
        emitter.Emit(new DocumentEnd(true));
        emitter.Emit(new StreamEnd());
        return text.ToString();
    }

    public static string Describe(TrainingRecipe recipe)
    {
        var width = TrainingRecipeFields.All.Max(f => f.Key.Length);
        var sb = new StringBuilder();
        foreach (var field in TrainingRecipeFields.All)
            sb.Append(field.Key.PadRight(width)).Append(" : ").Append(field.Format(recipe)).Append('\n');
        return sb.ToString();
    }

    public static IReadOnlyList<string> ShippedNames(Assembly assembly) =>
        [.. assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".yaml", StringComparison.Ordinal))
            .Select(n => n[ResourcePrefix.Length..^".yaml".Length])
            .Order(StringComparer.Ordinal)];

    public static TrainingRecipe LoadShipped(Assembly assembly, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        using var stream = assembly.GetManifestResourceStream(ResourcePrefix + name + ".yaml")
            ?? throw new ArgumentException(
                $"No shipped recipe '{name}'. Shipped: {string.Join(", ", ShippedNames(assembly))}.", nameof(name));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return Parse(reader.ReadToEnd(), null, $"shipped recipe '{name}'").Validate();
    }

    /// <summary>Without an explicit base, keys not in the file come from the preset its <c>model</c> key names.</summary>
    private static TrainingRecipe StartFor(List<(string Key, YamlNode Node)> entries, string source)
    {
        var model = entries.LastOrDefault(e => string.Equals(e.Key, "model", StringComparison.OrdinalIgnoreCase));
        if (model.Node is null)
            return TrainingRecipe.Default;
        var withModel = TrainingRecipeFields.Find("model").Parse(TrainingRecipe.Default, ValueOf(model.Node, "model", source));
        return TrainingRecipe.ForPreset(withModel.Model);
    }

    private static string KeyOf(YamlNode node, string source) =>
        node is YamlScalarNode { Value: { Length: > 0 } key }
            ? key
            : throw new TrainingRecipeException($"{source} ({node.Start}): every key must be a plain name.");

    private static RecipeValue ValueOf(YamlNode node, string key, string source)
    {
        switch (node)
        {
            case YamlScalarNode scalar:
                if (scalar.Style is ScalarStyle.Plain or ScalarStyle.Any &&
                    scalar.Value is null or "" or "~" or "null" or "Null" or "NULL")
                    return RecipeValue.Null;
                return RecipeValue.Of(scalar.Value ?? "");
            case YamlSequenceNode sequence:
                var items = new List<string>(sequence.Children.Count);
                foreach (var child in sequence.Children)
                {
                    if (child is not YamlScalarNode { Value: { } v })
                        throw new TrainingRecipeException($"{source} ({child.Start}): '{key}' must be a flat list of numbers.", key);
                    items.Add(v);
                }
                return new RecipeValue(null, items);
            default:
                throw new TrainingRecipeException($"{source} ({node.Start}): '{key}' must be a value or a list, not a mapping.", key);
        }
    }

    private static void EmitValue(IEmitter emitter, RecipeValue value)
    {
        if (value.IsNull)
        {
            emitter.Emit(new Scalar(null, null, "null", ScalarStyle.Plain, true, false));
            return;
        }
        if (value.Scalar is { } s)
        {
            emitter.Emit(new Scalar(s));
            return;
        }
        emitter.Emit(new SequenceStart(null, null, false, SequenceStyle.Flow));
        foreach (var item in value.Items!)
            emitter.Emit(new Scalar(item));
        emitter.Emit(new SequenceEnd());
    }
}
