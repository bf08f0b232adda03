using System.Security.Cryptography;

namespace YoloX.Inference.Weights;

/// <summary>
/// Finds a weights file: an existing path as given; an official name (<c>yolox_nano.onnx</c>, <c>nano</c>, ...) or a
/// bare file name in the weights folder or the download cache; else an official file is downloaded once into the
/// cache (temporary file, size and SHA-256 checked, then renamed into place).
/// </summary>
public sealed class WeightsResolver
{
    private static readonly Lazy<HttpClient> SharedClient = new(() => new HttpClient { Timeout = TimeSpan.FromMinutes(10) });

    /// <summary>Creates a resolver.</summary>
    public WeightsResolver(WeightsResolverOptions? options = null)
    {
        Options = options ?? new WeightsResolverOptions();
    }

    /// <summary>The resolver's settings.</summary>
    public WeightsResolverOptions Options { get; }

    /// <summary>Resolves synchronously; see <see cref="ResolveAsync"/>.</summary>
    public string Resolve(string pathOrName, WeightsFormat format = WeightsFormat.Onnx, IProgress<WeightsDownloadProgress>? progress = null) =>
        ResolveAsync(pathOrName, format, progress).GetAwaiter().GetResult();

    /// <summary>Returns the full path of the weights, downloading an official file when needed.</summary>
    /// <param name="pathOrName">A file path, an official file/model/preset name, or a file name to look up in the weights folder.</param>
    /// <param name="format">The format an extension-less official name refers to.</param>
    /// <param name="progress">Receives download progress.</param>
    /// <param name="cancellationToken">Cancels the download.</param>
    /// <exception cref="WeightsNotFoundException">The file is not there and cannot be downloaded (not official, downloads off, or offline).</exception>
    /// <exception cref="WeightsDownloadException">The download broke off, returned an HTTP error or has the wrong checksum.</exception>
    public async Task<string> ResolveAsync(
        string pathOrName, WeightsFormat format = WeightsFormat.Onnx,
        IProgress<WeightsDownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pathOrName);
        if (File.Exists(pathOrName))
        {
            return Path.GetFullPath(pathOrName);
        }
        var official = OfficialWeights.TryGetFileName(pathOrName, format);
        var isBareName = pathOrName.IndexOfAny(['/', '\\']) < 0;
        if (!isBareName && official is null)
        {
            throw new WeightsNotFoundException(pathOrName, $"Weights file '{Path.GetFullPath(pathOrName)}' does not exist.");
        }
        var fileName = official ?? pathOrName;
        var searched = Options.SearchDirectories();
        foreach (var dir in searched)
        {
            var candidate = Path.Combine(dir, fileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        var where = string.Join(", ", searched.Select(d => $"'{d}'"));
        var putItHere = $"Put '{fileName}' into {where}, or set {WeightsResolverOptions.WeightsDirectoryVariable} to the folder holding it.";
        if (official is null)
        {
            throw new WeightsNotFoundException(pathOrName, $"Weights '{pathOrName}' were not found in {where} and are not an official YOLOX file that could be downloaded. {putItHere}");
        }
        if (!Options.AllowDownload)
        {
            throw new WeightsNotFoundException(pathOrName, $"Official weights '{fileName}' were not found in {where} and downloads are off. {putItHere}");
        }
        return await DownloadAsync(fileName, putItHere, progress, cancellationToken).ConfigureAwait(false);
    }

    private async Task<string> DownloadAsync(string fileName, string putItHere, IProgress<WeightsDownloadProgress>? progress, CancellationToken cancellationToken)
    {
        var uri = new Uri(Options.BaseUri, fileName);
        var cache = Path.GetFullPath(Options.CacheDirectory);
        Directory.CreateDirectory(cache);
        var target = Path.Combine(cache, fileName);
        var temp = Path.Combine(cache, $".{fileName}.{Guid.NewGuid():N}.partial");
        var client = Options.HttpClient ?? SharedClient.Value;
        try
        {
            using var response = await SendAsync(client, uri, fileName, putItHere, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new WeightsDownloadException(uri, $"the server answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}. {putItHere}");
            }
            var total = response.Content.Headers.ContentLength;
            var (received, sha256) = await CopyAsync(response, temp, fileName, total, progress, uri, putItHere, cancellationToken).ConfigureAwait(false);
            if (total is { } expected && received != expected)
            {
                throw new WeightsDownloadException(uri, $"the file is truncated: {received} of {expected} bytes arrived. {putItHere}");
            }
            if (OfficialWeights.PinnedSha256.TryGetValue(fileName, out var pinned) && !string.Equals(pinned, sha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new WeightsDownloadException(uri, $"the SHA-256 of the {received} bytes received is {sha256}, expected {pinned}. The file was discarded. {putItHere}");
            }
            // Rename into place only once complete and verified, so a reader never sees a partial file.
            File.Move(temp, target, overwrite: true);
            return target;
        }
        finally
        {
            TryDelete(temp);
        }
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, Uri uri, string fileName, string putItHere, CancellationToken cancellationToken)
    {
        try
        {
            return await client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new WeightsNotFoundException(fileName, $"Official weights '{fileName}' are not available locally and cannot be downloaded from '{uri}' ({e.Message}). Are you offline? {putItHere}", e);
        }
    }

    private static async Task<(long Received, string Sha256)> CopyAsync(
        HttpResponseMessage response, string temp, string fileName, long? total,
        IProgress<WeightsDownloadProgress>? progress, Uri uri, string putItHere, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long received = 0;
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
            var buffer = new byte[1 << 16];
            progress?.Report(new WeightsDownloadProgress(fileName, 0, total));
            int n;
            while ((n = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, n);
                await file.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                received += n;
                progress?.Report(new WeightsDownloadProgress(fileName, received, total));
            }
        }
        catch (Exception e) when (e is IOException or HttpRequestException && e is not WeightsDownloadException)
        {
            throw new WeightsDownloadException(uri, $"the connection broke after {received}{(total is { } t ? $" of {t}" : "")} bytes (the file is truncated): {e.Message}. {putItHere}", e);
        }
        return (received, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // A leftover temporary file is harmless: it never has the final name.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }
}
