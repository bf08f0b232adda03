namespace YoloX.Samples.WebApi;

/// <summary>The single page at <c>GET /</c>, embedded in the assembly.</summary>
internal static class Page
{
    public static string Html { get; } = Load();

    private static string Load()
    {
        using var stream = typeof(Page).Assembly.GetManifestResourceStream("index.html")
            ?? throw new InvalidOperationException("index.html is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
