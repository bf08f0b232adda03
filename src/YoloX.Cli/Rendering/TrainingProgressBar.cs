using System.Globalization;
using System.Text;
using Spectre.Console;
using YoloX.Training.Engine;

namespace YoloX.Cli.Rendering;

/// <summary>
/// The live progress of <c>yolox train</c> in a terminal: one bar for the run (elapsed, time left) and one for the
/// current epoch, kept below the official log lines. Fed by the trainer's callbacks while <see cref="Show{T}"/> runs.
/// </summary>
/// <remarks>
/// Shown only when both standard output and standard error are a terminal: the log lines are then written through the
/// bar's console (<see cref="LogWriter"/>) so that they scroll above it. With any redirection (a file, a pipe,
/// <c>tee</c>, a test) there is no bar, and the log lines, which carry the same progress, are all there is.
/// </remarks>
internal sealed class TrainingProgressBar : ITrainingCallback
{
    private readonly IAnsiConsole console;
    private ProgressTask? run;
    private ProgressTask? epoch;

    private TrainingProgressBar(IAnsiConsole console)
    {
        this.console = console;
        LogWriter = new ConsoleLineWriter(console);
    }

    /// <summary>Writes whole lines above the bar (through its console).</summary>
    public TextWriter LogWriter { get; }

    /// <summary>A bar on the error stream when output and error are both the terminal and not quiet; otherwise null.</summary>
    public static TrainingProgressBar? ForTerminal(TextWriter output, TextWriter error, bool quiet) =>
        quiet || !CliConsole.IsTerminal(output) || !CliConsole.IsTerminal(error) ? null : new(CliConsole.For(error));

    /// <summary>A bar on the given console (tests: an interactive console over a string writer).</summary>
    public static TrainingProgressBar ForConsole(IAnsiConsole console) => new(console);

    /// <summary>Runs <paramref name="work"/> (the training) with the bar live, and leaves its last state on screen.</summary>
    public T Show<T>(Func<T> work) =>
        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                run = context.AddTask("training", autoStart: true, maxValue: 1);
                epoch = context.AddTask("epoch", autoStart: true, maxValue: 1);
                return work();
            });

    /// <inheritdoc />
    public void OnTrainStart(TrainingStartInfo info)
    {
        if (run is null || epoch is null)
        {
            return;
        }
        run.MaxValue = Math.Max(1, (double)info.Recipe.MaxEpoch * info.BatchesPerEpoch);
        run.Value = info.Progress.Iteration;
        epoch.MaxValue = Math.Max(1, info.BatchesPerEpoch);
        epoch.Value = info.Progress.BatchInEpoch;
        epoch.Description = EpochLabel(info.Progress.Epoch, info.Recipe.MaxEpoch);
    }

    /// <inheritdoc />
    public void OnIterationEnd(IterationInfo info)
    {
        if (run is null || epoch is null)
        {
            return;
        }
        run.MaxValue = Math.Max(1, (double)info.MaxEpoch * info.BatchesPerEpoch);
        run.Value = info.Iteration + 1;
        epoch.Description = EpochLabel(info.Epoch, info.MaxEpoch);
        epoch.MaxValue = Math.Max(1, info.BatchesPerEpoch);
        epoch.Value = info.BatchInEpoch + 1;
    }

    private static string EpochLabel(int epoch, int maxEpoch) =>
        string.Create(CultureInfo.InvariantCulture, $"epoch {epoch + 1}/{maxEpoch}");

    /// <summary>Collects characters into lines and hands each finished line to the console (plain text, no markup).</summary>
    private sealed class ConsoleLineWriter(IAnsiConsole console) : TextWriter
    {
        private readonly StringBuilder line = new();

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value) => Write([value]);

        public override void Write(string? value) => Write(value.AsSpan());

        public override void Write(ReadOnlySpan<char> value)
        {
            lock (line) // a Ctrl-C notice may come from another thread than the trainer's
            {
                foreach (var c in value)
                {
                    if (c != '\n')
                    {
                        line.Append(c);
                        continue;
                    }
                    console.WriteLine(line.ToString().TrimEnd('\r'));
                    line.Clear();
                }
            }
        }

        public override void Flush()
        {
            lock (line)
            {
                if (line.Length > 0)
                {
                    console.Write(line.ToString());
                    line.Clear();
                }
            }
        }
    }
}
