using System.Text;
using System.Text.Json;

namespace YoloX.Training.Data;

/// <summary>
/// Small helpers over <see cref="Utf8JsonReader"/> that turn every failure into a
/// <see cref="DatasetFormatException"/> carrying the file, line and column of the offending token.
/// </summary>
internal sealed class JsonSource
{
    private readonly int[] _lineStarts;

    public JsonSource(string file)
    {
        File = file;
        byte[] bytes;
        try
        {
            bytes = System.IO.File.ReadAllBytes(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DatasetFormatException(file, 0, $"cannot read the file: {ex.Message}", ex);
        }
        var offset = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
        Bytes = bytes.AsMemory(offset);
        var starts = new List<int> { 0 };
        var span = Bytes.Span;
        for (var i = 0; i < span.Length; i++)
        {
            if (span[i] == (byte)'\n')
            {
                starts.Add(i + 1);
            }
        }
        _lineStarts = [.. starts];
    }

    public string File { get; }

    public ReadOnlyMemory<byte> Bytes { get; }

    public Utf8JsonReader CreateReader() => new(Bytes.Span, new JsonReaderOptions
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    });

    /// <summary>1-based line and column of a byte offset.</summary>
    public SourceLocation Locate(long offset)
    {
        var index = Array.BinarySearch(_lineStarts, (int)Math.Min(offset, int.MaxValue));
        if (index < 0)
        {
            index = ~index - 1;
        }
        return new SourceLocation(File, index + 1, (int)(offset - _lineStarts[index]) + 1);
    }

    public DatasetFormatException Error(long offset, string message, Exception? inner = null)
    {
        var at = Locate(offset);
        return new DatasetFormatException(File, at.Line, message, inner, at.Column);
    }

    public DatasetFormatException Wrap(JsonException ex) =>
        new(File, (int)(ex.LineNumber ?? -1) + 1, $"invalid JSON: {FirstSentence(ex.Message)}", ex,
            (int)(ex.BytePositionInLine ?? -1) + 1);

    public void Expect(ref Utf8JsonReader reader, JsonTokenType type, string what)
    {
        if (!reader.Read())
        {
            throw Error(reader.TokenStartIndex, $"the file ends where {what} was expected");
        }
        if (reader.TokenType != type)
        {
            throw Error(reader.TokenStartIndex, $"expected {what}, found {Describe(reader.TokenType)}");
        }
    }

    public double Number(ref Utf8JsonReader reader, string field)
    {
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out var value))
        {
            throw Error(reader.TokenStartIndex, $"'{field}' must be a number, found {Describe(reader.TokenType)}");
        }
        return value;
    }

    public long Integer(ref Utf8JsonReader reader, string field)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value))
        {
            return value;
        }
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var d) && d == Math.Floor(d)
            && Math.Abs(d) < 9e15)
        {
            return (long)d;
        }
        throw Error(reader.TokenStartIndex, $"'{field}' must be an integer, found {Describe(reader.TokenType)}");
    }

    public string Text(ref Utf8JsonReader reader, string field)
    {
        if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName))
        {
            throw Error(reader.TokenStartIndex, $"'{field}' must be a string, found {Describe(reader.TokenType)}");
        }
        try
        {
            return reader.GetString() ?? string.Empty;
        }
        catch (InvalidOperationException ex)
        {
            // Utf8JsonReader validates structure, not the UTF-8 inside strings: GetString finds bad bytes only now.
            throw Error(reader.TokenStartIndex, $"'{field}' is not valid UTF-8 text", ex);
        }
    }

    public bool Flag(ref Utf8JsonReader reader, string field) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        JsonTokenType.Null => false,
        _ => Number(ref reader, field) != 0,
    };

    /// <summary>Reads <c>[x, y, w, h]</c>.</summary>
    public double[] NumberArray(ref Utf8JsonReader reader, string field)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw Error(reader.TokenStartIndex, $"'{field}' must be an array, found {Describe(reader.TokenType)}");
        }
        var values = new List<double>(4);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            values.Add(Number(ref reader, field));
        }
        return [.. values];
    }

    private static string Describe(JsonTokenType type) => type switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => type.ToString(),
    };

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    internal static string Utf8(ReadOnlySpan<byte> span) => Encoding.UTF8.GetString(span);
}
