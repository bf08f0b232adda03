using YoloX.Inference;
using YoloX.Inference.Backends;
using YoloX.Inference.Weights;

namespace YoloX.Cli.Commands;

/// <summary>The detector options that <c>detect</c> and <c>eval</c> share, applied to a builder in one place.</summary>
internal sealed record DetectorSettings(
    string? Weights, string? Model, string Backend, float Confidence, float Nms, int? InputSize, int? Threads)
{
    /// <summary>Applies model, weights, input size, thresholds and backend to <paramref name="builder"/>.</summary>
    public YoloXBuilder ApplyTo(YoloXBuilder builder)
    {
        builder = builder.WithThresholds(Confidence, Nms);
        if (Model is { } m && OfficialWeights.TryParsePreset(m, out var preset))
        {
            builder = builder.WithModel(preset);
        }
        if (Weights is { } w)
        {
            builder = builder.WithWeights(w);
        }
        if (InputSize is { } size)
        {
            builder = builder.WithInputSize(size);
        }
        return Backend == "torch"
            ? builder.UseTorch(threads: Threads)
            : builder.UseOnnxRuntime(new OnnxRuntimeOptions(IntraOpThreads: Threads));
    }
}
