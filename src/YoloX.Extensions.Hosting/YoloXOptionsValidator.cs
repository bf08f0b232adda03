using Microsoft.Extensions.Options;
using YoloX.Core;

namespace YoloX.Extensions.Hosting;

/// <summary>Checks <see cref="YoloXOptions"/> at start (<c>ValidateOnStart</c>), naming the detector and each bad setting.</summary>
public sealed class YoloXOptionsValidator : IValidateOptions<YoloXOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, YoloXOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var who = string.IsNullOrEmpty(name) ? "YoloX" : $"YoloX detector '{name}'";
        var failures = Problems(options).Select(p => $"{who}: {p}").ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static IEnumerable<string> Problems(YoloXOptions o)
    {
        if (string.IsNullOrWhiteSpace(o.Weights))
        {
            yield return "Weights is required (a file path or an official name such as yolox_nano.onnx).";
        }
        if (o.Model is { } model && !YoloXConfig.TryParsePreset(model, out _))
        {
            yield return $"Model '{model}' is not a preset (nano, tiny, s, m, l, x, darknet53).";
        }
        if (!Enum.IsDefined(o.Backend))
        {
            yield return $"Backend '{o.Backend}' is not OnnxRuntime or Torch.";
        }
        if (string.IsNullOrWhiteSpace(o.Device))
        {
            yield return "Device must name a Torch device (cpu, cuda, cuda:1).";
        }
        if (!(o.Confidence >= 0 && o.Confidence <= 1))
        {
            yield return $"Confidence must be between 0 and 1 (was {o.Confidence}).";
        }
        if (!(o.Nms > 0 && o.Nms <= 1))
        {
            yield return $"Nms must be above 0 and at most 1 (was {o.Nms}).";
        }
        if (o.InputSize is { } size && (size < 32 || size % 32 != 0))
        {
            yield return $"InputSize must be a positive multiple of 32 (was {size}).";
        }
        if (o.Threads is < 1)
        {
            yield return $"Threads must be at least 1 (was {o.Threads}).";
        }
        if (o.MaxDetections < 1)
        {
            yield return $"MaxDetections must be at least 1 (was {o.MaxDetections}).";
        }
    }
}
