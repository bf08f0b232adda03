using System.Net;
using System.Net.Sockets;
using YoloX.Core;
using YoloX.Inference.Weights;
using YoloX.Testing;

namespace YoloX.Inference.Tests;

/// <summary>Weights resolution and downloads, against a loopback HTTP server only (never the internet).</summary>
public sealed class WeightsResolverTests : IDisposable
{
    private readonly TempDir _cache = new();
    private readonly TempDir _weights = new();

    public void Dispose()
    {
        _cache.Dispose();
        _weights.Dispose();
    }

    private WeightsResolver Resolver(Uri baseUri, bool allowDownload = true) => new(new WeightsResolverOptions
    {
        WeightsDirectory = _weights.Path, CacheDirectory = _cache.Path, BaseUri = baseUri, AllowDownload = allowDownload,
    });

    private static LoopbackHttpServer Serve(byte[] body, long? announced = null, int status = 200) =>
        new(path => path.EndsWith("/files/yolox_nano.onnx", StringComparison.Ordinal)
            ? new LoopbackHttpServer.Reply(status, body, announced)
            : new LoopbackHttpServer.Reply(404, []));

    [Fact]
    public async Task Official_file_is_downloaded_once_verified_against_its_pinned_sha256_and_cached()
    {
        var official = await File.ReadAllBytesAsync(SharedAssets.NanoOnnx);
        using var server = Serve(official);
        var reports = new List<WeightsDownloadProgress>();
        var progress = new SynchronousProgress<WeightsDownloadProgress>(reports.Add);

        var path = await Resolver(server.BaseUri).ResolveAsync("yolox_nano.onnx", progress: progress);

        Assert.Equal(Path.Combine(_cache.Path, "yolox_nano.onnx"), path);
        Assert.Equal(official, await File.ReadAllBytesAsync(path));
        Assert.Equal(official.Length, reports[^1].BytesReceived);
        Assert.Equal(official.Length, reports[^1].TotalBytes);
        Assert.Single(Directory.GetFiles(_cache.Path)); // no temporary file left behind
        // Second time: found in the cache, by preset name too, without asking the server.
        Assert.Equal(path, Resolver(server.BaseUri).Resolve("nano"));
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task Truncated_download_throws_WeightsDownloadException_and_leaves_no_file()
    {
        var official = await File.ReadAllBytesAsync(SharedAssets.NanoOnnx);
        using var server = Serve(official[..100_000], announced: official.Length);

        var e = await Assert.ThrowsAsync<WeightsDownloadException>(() => Resolver(server.BaseUri).ResolveAsync("yolox_nano.onnx"));

        Assert.Contains("truncated", e.Message);
        Assert.Contains("yolox_nano.onnx", e.Message);
        Assert.Empty(Directory.GetFiles(_cache.Path));
    }

    [Fact]
    public async Task Wrong_checksum_throws_WeightsDownloadException_and_leaves_no_file()
    {
        var official = await File.ReadAllBytesAsync(SharedAssets.NanoOnnx);
        var tampered = (byte[])official.Clone();
        tampered[1000] ^= 0xFF;
        using var server = Serve(tampered);

        var e = await Assert.ThrowsAsync<WeightsDownloadException>(() => Resolver(server.BaseUri).ResolveAsync("yolox_nano.onnx"));

        Assert.Contains("SHA-256", e.Message);
        Assert.Contains(OfficialWeights.PinnedSha256["yolox_nano.onnx"], e.Message);
        Assert.Empty(Directory.GetFiles(_cache.Path));
    }

    [Fact]
    public async Task Http_error_throws_WeightsDownloadException_with_the_status()
    {
        using var server = Serve([], status: 404);
        var e = await Assert.ThrowsAsync<WeightsDownloadException>(() => Resolver(server.BaseUri).ResolveAsync("yolox_nano.onnx"));
        Assert.Contains("HTTP 404", e.Message);
    }

    [Fact]
    public async Task Offline_says_where_to_put_the_file()
    {
        // A loopback port nobody listens on: the connection is refused, as when offline.
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();

        var e = await Assert.ThrowsAsync<WeightsNotFoundException>(() =>
            Resolver(new Uri($"http://127.0.0.1:{port}/files/")).ResolveAsync("yolox_nano.onnx"));

        Assert.Contains("cannot be downloaded", e.Message);
        Assert.Contains(_weights.Path, e.Message);
        Assert.Contains(WeightsResolverOptions.WeightsDirectoryVariable, e.Message);
    }

    [Fact]
    public void Local_files_win_over_downloads_and_unknown_names_are_not_downloaded()
    {
        var local = _weights.Write("yolox_s.onnx", [1, 2, 3]);
        var resolver = Resolver(new Uri("http://127.0.0.1:9/never/"), allowDownload: true);
        Assert.Equal(local, resolver.Resolve("yolox-s"));
        Assert.Equal(local, resolver.Resolve("s"));
        Assert.Equal(local, resolver.Resolve(local));
        var custom = _weights.Write("my_model.onnx", [4]);
        Assert.Equal(custom, resolver.Resolve("my_model.onnx"));

        var e = Assert.Throws<WeightsNotFoundException>(() => resolver.Resolve("other_model.onnx"));
        Assert.Contains("not an official YOLOX file", e.Message);
        var off = Assert.Throws<WeightsNotFoundException>(() => Resolver(new Uri("http://127.0.0.1:9/"), allowDownload: false).Resolve("yolox_m.onnx"));
        Assert.Contains("downloads are off", off.Message);
    }

    [Theory]
    [InlineData("nano", "yolox_nano.onnx")]
    [InlineData("yolox-tiny", "yolox_tiny.onnx")]
    [InlineData("YOLOX_S.pth", "yolox_s.pth")]
    [InlineData("darknet53", "yolox_darknet.onnx")]
    [InlineData("yolox_x.onnx", "yolox_x.onnx")]
    [InlineData("resnet50.onnx", null)]
    [InlineData("weights.bin", null)]
    public void Official_names_map_to_release_file_names(string name, string? expected) =>
        Assert.Equal(expected, OfficialWeights.TryGetFileName(name));

    [Fact]
    public void Presets_have_the_official_test_sizes()
    {
        Assert.Equal(416, OfficialWeights.DefaultInputSize(YoloXPreset.Nano));
        Assert.Equal(416, OfficialWeights.DefaultInputSize(YoloXPreset.Tiny));
        Assert.All(new[] { YoloXPreset.S, YoloXPreset.M, YoloXPreset.L, YoloXPreset.X, YoloXPreset.Darknet53 },
            p => Assert.Equal(640, OfficialWeights.DefaultInputSize(p)));
    }

    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
