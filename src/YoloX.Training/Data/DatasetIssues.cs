namespace YoloX.Training.Data;

/// <summary>How serious a dataset problem is.</summary>
public enum IssueSeverity
{
    /// <summary>Worth knowing, the data is still usable as is.</summary>
    Warning,

    /// <summary>The data is wrong here and must be fixed (or the item dropped).</summary>
    Error,
}

/// <summary>One problem found in a dataset.</summary>
/// <param name="Severity">Error or warning.</param>
/// <param name="Code">A stable short code, e.g. <c>zero-size-box</c>, <c>missing-image</c>.</param>
/// <param name="Message">What is wrong, in words.</param>
/// <param name="Location">File and line it concerns, when known.</param>
public sealed record DatasetIssue(IssueSeverity Severity, string Code, string Message, SourceLocation? Location = null)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{(Severity == IssueSeverity.Error ? "error" : "warning")} [{Code}] " +
        (Location is { } l ? $"{l}: " : string.Empty) + Message;
}

/// <summary>Malformed annotation input (bad syntax, missing field, impossible value), naming the file and line.</summary>
public sealed class DatasetFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DatasetFormatException(string file, int line, string message, Exception? inner = null, int column = 0)
        : base(Compose(file, line, column, message), inner)
    {
        File = file;
        Line = line;
        Column = column;
        Reason = message;
    }

    /// <summary>The offending file.</summary>
    public string File { get; }

    /// <summary>1-based line (0 when the problem concerns the whole file).</summary>
    public int Line { get; }

    /// <summary>1-based column, 0 when unknown.</summary>
    public int Column { get; }

    /// <summary>The message without the location prefix.</summary>
    public string Reason { get; }

    /// <summary>The location as a <see cref="SourceLocation"/>.</summary>
    public SourceLocation Location => new(File, Line, Column);

    private static string Compose(string file, int line, int column, string message) =>
        $"{new SourceLocation(file, line, column)}: {message}";
}

/// <summary>How to read a dataset.</summary>
public sealed record DatasetReadOptions
{
    /// <summary>
    /// Collect malformed entries as <see cref="DatasetIssue"/>s and skip them instead of throwing
    /// <see cref="DatasetFormatException"/> (the validator reads this way to report every problem).
    /// </summary>
    public bool Lenient { get; init; }

    /// <summary>Class names to use (VOC/YOLO). VOC: otherwise the sorted names found; YOLO: otherwise a names file.</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>VOC: the <c>ImageSets/Main/&lt;split&gt;.txt</c> list to read; all XML files when null.</summary>
    public string? Split { get; init; }

    /// <summary>Images folder (COCO/YOLO) when it is not the default one.</summary>
    public string? ImagesDirectory { get; init; }

    /// <summary>YOLO: labels folder (default <c>labels/</c> beside the images). COCO: the annotation JSON file.</summary>
    public string? AnnotationsPath { get; init; }

    /// <summary>YOLO: a names file (classes.txt, one name per line, or a data.yaml with <c>names</c>).</summary>
    public string? NamesFile { get; init; }
}

/// <summary>Collects issues, or throws on malformed input when reading strictly.</summary>
internal sealed class IssueSink(bool lenient)
{
    public List<DatasetIssue> Issues { get; } = [];

    /// <summary>Malformed input: throws when strict, records an error when lenient.</summary>
    public void Malformed(string file, int line, string message, int column = 0, Exception? inner = null)
    {
        if (!lenient)
        {
            throw new DatasetFormatException(file, line, message, inner, column);
        }
        Issues.Add(new DatasetIssue(IssueSeverity.Error, "malformed", message, new SourceLocation(file, line, column)));
    }

    /// <summary>A problem that does not stop reading.</summary>
    public void Add(IssueSeverity severity, string code, string message, SourceLocation? location) =>
        Issues.Add(new DatasetIssue(severity, code, message, location));
}
