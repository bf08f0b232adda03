using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SkiaSharp;

namespace YoloX.Extensions.Hosting;

/// <summary>
/// Loads every detector whose options ask for warm-up and runs one blank image through it while the host starts, so
/// that the first request does not load the model. A detector that cannot load stops the host with its error.
/// </summary>
public sealed class YoloXWarmupService(YoloXDetectorProvider provider, ILogger<YoloXWarmupService> logger) : IHostedService
{
    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var name in provider.Names.Where(n => provider.Options(n).WarmUp))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            var detector = provider.Get(name);
            using var blank = new SKBitmap(64, 64);
            blank.Erase(SKColors.Gray);
            detector.Detect(blank, "warm-up", cancellationToken);
            logger.LogInformation("YoloX detector '{Name}' warmed up ({Source}) in {Milliseconds:F0} ms",
                name, detector.Model.Source, clock.Elapsed.TotalMilliseconds);
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
