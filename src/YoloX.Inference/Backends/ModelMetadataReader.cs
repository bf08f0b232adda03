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

    /// <summary>A boolean flag such as <c>nms</c>, when present.</summary>
    public static bool? Flag(IReadOnlyDictionary<string, string> metadata, string key) =>
        metadata.TryGetValue(key, out var v) ? v.Trim().ToLowerInvariant() is "true" or "1" or "yes" : null;

    /// <summary>An integer value such as <c>num_classes</c>, when present and valid.</summary>
    public static int? Integer(IReadOnlyDictionary<string, string> metadata, string key) =>
        metadata.TryGetValue(key, out var v) && int.TryParse(v.Trim(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var i)
            ? i : null;

    /// <summary>The nominal input size (<c>input_width</c>, <c>input_height</c>), when both are present and positive.</summary>
    public static (int Width, int Height)? InputSize(IReadOnlyDictionary<string, string> metadata) =>
        Integer(metadata, "input_width") is > 0 and var w && Integer(metadata, "input_height") is > 0 and var h ? (w, h) : null;

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
