using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace YoloX.Extensions.Hosting;

/// <summary>
/// Healthy when every registered detector is loaded; degraded while one has not been loaded yet (warm-up off and no
/// request so far); unhealthy when one failed to load. The data lists each detector's model.
/// </summary>
public sealed class YoloXHealthCheck(YoloXDetectorProvider provider) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        var failed = new List<string>();
        var waiting = new List<string>();
        foreach (var name in provider.Names)
        {
            var key = name.Length == 0 ? "default" : name;
            if (provider.IsLoaded(name))
            {
                var model = provider.Get(name).Model;
                data[key] = $"{model.Source} ({model.Backend}, {model.InputWidth}x{model.InputHeight})";
            }
            else if (provider.Failure(name) is { } error)
            {
                failed.Add(key);
                data[key] = error.Message;
            }
            else
            {
                waiting.Add(key);
                data[key] = "not loaded yet";
            }
        }
        var result = failed.Count > 0
            ? HealthCheckResult.Unhealthy($"YoloX detector(s) failed to load: {string.Join(", ", failed)}.", data: data)
            : waiting.Count > 0
                ? HealthCheckResult.Degraded($"YoloX detector(s) not loaded yet: {string.Join(", ", waiting)}.", data: data)
                : HealthCheckResult.Healthy("YoloX detectors loaded.", data);
        return Task.FromResult(result);
    }
}
