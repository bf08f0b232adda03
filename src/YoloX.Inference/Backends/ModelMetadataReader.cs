using System.Text.Json;
using System.Text.RegularExpressions;

namespace YoloX.Inference.Backends;

/// <summary>Reads class names and flags stored as ONNX custom metadata (<c>metadata_props</c>).</summary>
internal static partial class ModelMetadataReader
{
    private static readonly string[] NameKeys = ["names", "class_names", "classes", "labels"];

    /// <summary>
    /// Class names from the first of the keys names / class_names / classes / labels, written as a JSON array,
    /// a Python dict like <c>{0: 'person', 1: 'bicycle'}</c>, or a comma/newline separated list.
    /// </summary>
    public static IReadOnlyList<string>? ClassNames(IReadOnlyDictionary<string, string> metadata)
    {
        foreach (var key in NameKeys)
        {
            if (metadata.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value))
            {
                return Parse(value.Trim());
            }
        }
        return null;
    }

    /// <summary>The <c>decoded</c> (or <c>decode_in_inference</c>) flag, when present.</summary>
    public static bool? Decoded(IReadOnlyDictionary<string, string> metadata)
    {
        foreach (var key in (string[])["decoded", "decode_in_inference"])
        {
            if (metadata.TryGetValue(key, out var v))
            {
                return v.Trim().ToLowerInvariant() is "true" or "1" or "yes";
            }
        }
        return null;
    }

    private static List<string> Parse(string value)
    {
        if (value.StartsWith('['))
        {
            try
            {
                return JsonSerializer.Deserialize<List<string>>(value) ?? [];
            }
            catch (JsonException)
            {
                // Fall through to the list forms.
            }
        }
        if (value.StartsWith('{'))
        {
            return [.. DictEntry().Matches(value).Select(m => m.Groups["name"].Value)];
        }
        return [.. value.Split([',', '\n'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
    }

    [GeneratedRegex(@"\d+\s*:\s*['""](?<name>[^'""]*)['""]")]
    private static partial Regex DictEntry();
}
