using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using YoloX.Extensions.Hosting;
using YoloX.Inference;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers YoloX.NET detectors with dependency injection.</summary>
public static class YoloXServiceCollectionExtensions
{
    /// <summary>
    /// Registers the default <see cref="YoloXDetector"/> (a singleton, safe for concurrent requests), its validated
    /// <see cref="YoloXOptions"/> (checked at start) and the hosted warm-up.
    /// </summary>
    public static IServiceCollection AddYoloX(this IServiceCollection services, Action<YoloXOptions> configure)
    {
        Register(services, Options.Options.DefaultName, configure);
        services.TryAddSingleton(sp => sp.GetRequiredService<YoloXDetectorProvider>().Get(Options.Options.DefaultName));
        return services;
    }

    /// <summary>
    /// Registers a keyed <see cref="YoloXDetector"/> named <paramref name="name"/> (inject it with
    /// <c>[FromKeyedServices("name")]</c>) for applications serving several models.
    /// </summary>
    public static IServiceCollection AddYoloX(this IServiceCollection services, string name, Action<YoloXOptions> configure)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Register(services, name, configure);
        services.AddKeyedSingleton(name, (sp, _) => sp.GetRequiredService<YoloXDetectorProvider>().Get(name));
        return services;
    }

    /// <summary>Adds <see cref="YoloXHealthCheck"/> (healthy once every registered detector has loaded).</summary>
    public static IHealthChecksBuilder AddYoloX(this IHealthChecksBuilder builder, string name = "yolox")
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<YoloXHealthCheck>();
        return builder.AddCheck<YoloXHealthCheck>(name, tags: ["yolox", "ready"]);
    }

    private static void Register(IServiceCollection services, string name, Action<YoloXOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<YoloXOptions>(name).Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<YoloXOptions>, YoloXOptionsValidator>());
        services.AddSingleton(new YoloXRegistration(name));
        services.TryAddSingleton<YoloXDetectorProvider>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, YoloXWarmupService>());
    }
}
