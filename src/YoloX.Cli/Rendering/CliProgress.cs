using Spectre.Console;

namespace YoloX.Cli.Rendering;

/// <summary>
/// Progress for long commands through Spectre.Console on the error stream (stdout stays clean for results): a live
/// bar with rate and time left on a terminal, occasional plain lines when redirected, nothing with <c>--quiet</c>.
/// </summary>
internal static class CliProgress
{
    public static T Run<T>(TextWriter error, string label, bool quiet, Func<IProgress<(int Done, int Total)>, T> work)
    {
        if (quiet)
        {
            return work(new Progress<(int, int)>());
        }
        var console = CliConsole.For(error);
        return console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(label, autoStart: true, maxValue: 1);
                return work(new TaskProgress(task));
            });
    }

    /// <summary>Reports synchronously into the Spectre task (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class TaskProgress(ProgressTask task) : IProgress<(int Done, int Total)>
    {
        public void Report((int Done, int Total) value)
        {
            task.MaxValue = Math.Max(1, value.Total);
            task.Value = value.Done;
        }
    }
}
