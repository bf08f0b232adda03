using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using YoloX.Core;
using YoloX.Inference;
using YoloX.Inference.Backends;

namespace YoloX.Extensions.Hosting;

/// <summary>
/// Builds each named detector once, on first use or at warm-up, from its validated <see cref="YoloXOptions"/>, and
/// remembers what happened for the health check. Owns the detectors and disposes them with the container.
/// </summary>
public sealed class YoloXDetectorProvider : IDisposable
{
    private readonly IOptionsMonitor<YoloXOptions> _options;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _log;
    private readonly ConcurrentDictionary<string, Lazy<YoloXDetector>> _detectors = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Exception> _failures = new(StringComparer.Ordinal);

    /// <summary>Creates the provider for the detectors named in <paramref name="registrations"/>.</summary>
    public YoloXDetectorProvider(IOptionsMonitor<YoloXOptions> options, IEnumerable<YoloXRegistration> registrations, ILoggerFactory? loggers = null)
    {
        _options = options;
        _loggers = loggers ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;
        _log = _loggers.CreateLogger<YoloXDetectorProvider>();
        Names = registrations.Select(r => r.Name).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>The registered detector names (<see cref="Options.DefaultName"/> for the unnamed one).</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The detector named <paramref name="name"/>, built on first call (thread-safe).</summary>
    /// <exception cref="InvalidOperationException">No detector of that name was registered.</exception>
    public YoloXDetector Get(string name)
    {
        if (!Names.Contains(name, StringComparer.Ordinal))
        {
            throw new InvalidOperationException($"No YoloX detector named '{name}' is registered; call services.AddYoloX(\"{name}\", ...).");
        }
        return _detectors.GetOrAdd(name, n => new Lazy<YoloXDetector>(() => Build(n))).Value;
    }

    /// <summary>Whether the detector named <paramref name="name"/> has been built.</summary>
    public bool IsLoaded(string name) => _detectors.TryGetValue(name, out var lazy) && lazy.IsValueCreated;

    /// <summary>The error that stopped the detector named <paramref name="name"/> from loading, if any.</summary>
    public Exception? Failure(string name) => _failures.GetValueOrDefault(name);

    /// <summary>The options of the detector named <paramref name="name"/>.</summary>
    public YoloXOptions Options(string name) => _options.Get(name);

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var lazy in _detectors.Values.Where(l => l.IsValueCreated))
        {
            lazy.Value.Dispose();
        }
    }

    private YoloXDetector Build(string name)
    {
        try
        {
            return CreateBuilder(_options.Get(name), _loggers.CreateLogger("YoloX.Inference")).BuildDetector();
        }
        catch (Exception e)
        {
            _failures[name] = e;
            _detectors.TryRemove(name, out _);
            _log.LogError(e, "YoloX detector '{Name}' failed to load: {Message}", name, e.Message);
            throw;
        }
    }

    private static YoloXBuilder CreateBuilder(YoloXOptions o, ILogger logger)
    {
        var builder = YoloXBuilder.Create().WithWeights(o.Weights!).WithThresholds(o.Confidence, o.Nms)
            .WithMaxDetections(o.MaxDetections).WithLogger(logger);
        if (o.Model is { } model && YoloXConfig.TryParsePreset(model, out var preset))
        {
            builder = builder.WithModel(preset);
        }
        if (o.InputSize is { } size)
        {
            builder = builder.WithInputSize(size);
        }
        return o.Backend == InferenceBackendKind.Torch
            ? builder.UseTorch(o.Device)
            : builder.UseOnnxRuntime(OnnxRuntimeOptions.Default with { IntraOpThreads = o.Threads });
    }
}
