using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using YoloX.Inference;
using YoloX.Testing;

namespace YoloX.Extensions.Hosting.Tests;

public class AddYoloXTests
{
    private static IHost BuildHost(Action<IServiceCollection> configure)
    {
        var builder = Host.CreateApplicationBuilder();
        configure(builder.Services);
        builder.Services.AddHealthChecks().AddYoloX();
        return builder.Build();
    }

    [Fact]
    public async Task Bad_settings_stop_the_host_at_start_with_a_message_naming_each_setting()
    {
        using var host = BuildHost(s => s.AddYoloX(o => { o.Confidence = 1.5f; o.InputSize = 100; }));
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("YoloX: Weights is required", e.Message, StringComparison.Ordinal);
        Assert.Contains("YoloX: Confidence must be between 0 and 1 (was 1.5)", e.Message, StringComparison.Ordinal);
        Assert.Contains("YoloX: InputSize must be a positive multiple of 32 (was 100)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_weights_file_stops_the_host_at_warm_up_with_the_file_named()
    {
        using var host = BuildHost(s => s.AddYoloX(o => o.Weights = "/nonexistent/model.onnx"));
        var e = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());
        Assert.Contains("model.onnx", e.Message, StringComparison.Ordinal);
        var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Equal(HealthStatus.Unhealthy, health.Status);
    }

    [Fact]
    public async Task Warm_up_loads_the_default_and_keyed_detectors_before_the_first_request_and_health_turns_healthy()
    {
        using var host = BuildHost(s => s
            .AddYoloX(o => { o.Weights = SharedAssets.NanoOnnx; o.Model = "nano"; })
            .AddYoloX("torch", o => { o.Weights = SharedAssets.NanoOnnx; o.Model = "nano"; o.Backend = InferenceBackendKind.Torch; })
            .AddYoloX("lazy", o => { o.Weights = SharedAssets.NanoOnnx; o.WarmUp = false; }));
        var provider = host.Services.GetRequiredService<YoloXDetectorProvider>();
        var healthService = host.Services.GetRequiredService<HealthCheckService>();
        Assert.False(provider.IsLoaded(Options.DefaultName));

        await host.StartAsync();
        Assert.True(provider.IsLoaded(Options.DefaultName));
        Assert.True(provider.IsLoaded("torch"));
        Assert.False(provider.IsLoaded("lazy"));
        Assert.Equal(HealthStatus.Degraded, (await healthService.CheckHealthAsync()).Status);

        var onnx = host.Services.GetRequiredService<YoloXDetector>();
        var torch = host.Services.GetRequiredKeyedService<YoloXDetector>("torch");
        var lazy = host.Services.GetRequiredKeyedService<YoloXDetector>("lazy");
        Assert.StartsWith("onnxruntime", onnx.Model.Backend, StringComparison.Ordinal);
        Assert.StartsWith("torch", torch.Model.Backend, StringComparison.OrdinalIgnoreCase);
        Assert.NotSame(onnx, torch);
        Assert.Same(lazy, host.Services.GetRequiredKeyedService<YoloXDetector>("lazy"));
        var health = await healthService.CheckHealthAsync();
        Assert.Equal(HealthStatus.Healthy, health.Status);

        // Same detections through both backends on the official demo image.
        var a = onnx.Detect(SharedAssets.DogJpg).Detections.Select(d => d.ClassName).Order().ToList();
        var b = torch.Detect(SharedAssets.DogJpg).Detections.Select(d => d.ClassName).Order().ToList();
        Assert.Contains("dog", a);
        Assert.Equal(a, b);
        await host.StopAsync();
    }

    [Fact]
    public void Options_bind_from_configuration_like_any_options_class()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["YoloX:Weights"] = "yolox_s.onnx", ["YoloX:Backend"] = "Torch", ["YoloX:Confidence"] = "0.25", ["YoloX:InputSize"] = "320",
        });
        builder.Services.AddYoloX(o => builder.Configuration.GetSection("YoloX").Bind(o));
        using var host = builder.Build();
        var options = host.Services.GetRequiredService<IOptions<YoloXOptions>>().Value;
        Assert.Equal("yolox_s.onnx", options.Weights);
        Assert.Equal(InferenceBackendKind.Torch, options.Backend);
        Assert.Equal(0.25f, options.Confidence);
        Assert.Equal(320, options.InputSize);
    }
}
