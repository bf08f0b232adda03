using Microsoft.Extensions.Logging;

namespace YoloX.Cli.Rendering;

/// <summary>A minimal <see cref="ILogger"/> writing one line per message to the error stream, for <c>--verbose</c>.</summary>
internal sealed class CliLogger(TextWriter writer) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        writer.WriteLine($"{logLevel.ToString().ToLowerInvariant()}: {formatter(state, exception)}");
        if (exception is not null)
        {
            writer.WriteLine(exception);
        }
    }
}
