using Microsoft.Extensions.Logging;
using YoloX.Core.Weights;
using YoloX.Testing;
using Xunit;

namespace YoloX.Core.Tests.Weights;

public class CheckpointLoggingTests
{
    private sealed class ListLogger : ILogger
    {
        public List<(LogLevel Level, string Message)> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add((logLevel, formatter(state, exception)));
    }

    [Fact]
    public void Fine_tuning_load_logs_a_warning_for_each_skipped_tensor_of_the_official_checkpoint()
    {
        using var model = YoloXModel.Create(YoloXPreset.Nano, numClasses: 3);
        var logger = new ListLogger();
        var report = PyTorchCheckpoint.Load(model, SharedAssets.Golden("yolox_nano_seed0_bncal.pth"), skipMismatchedShapes: true, logger);

        var warnings = logger.Lines.Where(l => l.Level == LogLevel.Warning).Select(l => l.Message).ToList();
        Assert.NotEmpty(report.ShapeMismatches);
        // The 80-class prediction convs of the three levels (weight and bias) cannot fit 3 classes.
        Assert.Equal(report.ShapeMismatches.Count, warnings.Count(w => w.Contains("skipped checkpoint tensor", StringComparison.Ordinal)));
        Assert.Contains(warnings, w => w.Contains("head.cls_preds.0.weight", StringComparison.Ordinal));
        Assert.All(warnings, w => Assert.Contains("yolox_nano_seed0_bncal.pth", w, StringComparison.Ordinal));
    }
}
