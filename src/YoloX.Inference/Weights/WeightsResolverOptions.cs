namespace YoloX.Inference.Weights;

/// <summary>Where <see cref="WeightsResolver"/> looks for weights and where it downloads them from.</summary>
public sealed record WeightsResolverOptions
{
    /// <summary>The environment variable naming a local weights folder.</summary>
    public const string WeightsDirectoryVariable = "YOLOX_WEIGHTS_DIR";

    /// <summary>The environment variable overriding the download cache folder.</summary>
    public const string CacheDirectoryVariable = "YOLOX_CACHE_DIR";

    /// <summary>The official release that hosts the weights.</summary>
    public static readonly Uri OfficialBaseUri = new("https://github.com/Megvii-BaseDetection/YOLOX/releases/download/0.1.1rc0/");

    /// <summary>A local folder searched first; <c>null</c>: the <c>YOLOX_WEIGHTS_DIR</c> environment variable.</summary>
    public string? WeightsDirectory { get; init; }

    /// <summary>Where downloads are kept; by default <c>YOLOX_CACHE_DIR</c>, else <c>$XDG_CACHE_HOME/yolox</c>, else <c>~/.cache/yolox</c>.</summary>
    public string CacheDirectory { get; init; } = DefaultCacheDirectory();

    /// <summary>The folder URL official files are downloaded from (a file name is appended).</summary>
    public Uri BaseUri { get; init; } = OfficialBaseUri;

    /// <summary>Whether a missing official file may be downloaded.</summary>
    public bool AllowDownload { get; init; } = true;

    /// <summary>The client used for downloads; <c>null</c>: a shared client.</summary>
    public HttpClient? HttpClient { get; init; }

    /// <summary>The folders searched, in order: the weights folder (option, else environment) and the cache.</summary>
    public IReadOnlyList<string> SearchDirectories()
    {
        var dirs = new List<string>();
        var local = WeightsDirectory ?? Environment.GetEnvironmentVariable(WeightsDirectoryVariable);
        if (!string.IsNullOrWhiteSpace(local))
        {
            dirs.Add(Path.GetFullPath(local));
        }
        dirs.Add(Path.GetFullPath(CacheDirectory));
        return dirs;
    }

    private static string DefaultCacheDirectory()
    {
        var fromEnv = Environment.GetEnvironmentVariable(CacheDirectoryVariable);
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            return fromEnv;
        }
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var root = !string.IsNullOrWhiteSpace(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "yolox");
    }
}

/// <summary>Progress of a weights download.</summary>
/// <param name="FileName">The file being downloaded.</param>
/// <param name="BytesReceived">Bytes received so far.</param>
/// <param name="TotalBytes">The announced size, when the server sent one.</param>
public readonly record struct WeightsDownloadProgress(string FileName, long BytesReceived, long? TotalBytes);
