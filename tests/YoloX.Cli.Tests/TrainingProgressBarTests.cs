using System.Diagnostics;
using Spectre.Console;
using YoloX.Cli.Rendering;
using YoloX.Core.Loss;
using YoloX.Training;
using YoloX.Training.Checkpoints;
using YoloX.Training.Engine;

namespace YoloX.Cli.Tests;

/// <summary>
/// The live progress bar of <c>yolox train</c>: drawn by Spectre.Console under the log lines in a terminal, absent when
/// the output is redirected or <c>--quiet</c> is given.
/// </summary>
public class TrainingProgressBarTests
{
    [Fact]
    public void On_an_interactive_console_the_bar_follows_the_iterations_and_the_log_lines_pass_above_it()
    {
        var screen = new StringWriter();
        var bar = TrainingProgressBar.ForConsole(Interactive(screen));
        var recipe = TrainingRecipe.Default with { MaxEpoch = 2 };

        var returned = bar.Show(() =>
        {
            bar.OnTrainStart(new TrainingStartInfo(recipe, "", TrainingProgress.Start(0, 416, 416), 3, 8, ["a"], false));
            for (var i = 0; i < 6; i++)
            {
                bar.OnIterationEnd(Iteration(i / 3, i % 3, i));
                bar.LogWriter.WriteLine($"epoch: {i / 3 + 1}/2, iter: {i % 3 + 1}/3, official log line");
            }
            return 42;
        });

        Assert.Equal(42, returned);
        var text = screen.ToString();
        Assert.Contains("epoch: 2/2, iter: 3/3, official log line", text, StringComparison.Ordinal);
        Assert.Contains("epoch 2/2", text, StringComparison.Ordinal);
        Assert.Contains("training", text, StringComparison.Ordinal);
        Assert.Contains("100%", text, StringComparison.Ordinal);
        Assert.Contains("━", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Redirected_writers_and_quiet_get_no_bar()
    {
        Assert.Null(TrainingProgressBar.ForTerminal(new StringWriter(), new StringWriter(), quiet: false));
        Assert.Null(TrainingProgressBar.ForTerminal(Console.Out, Console.Error, quiet: true));
    }

    [Fact]
    public void In_a_terminal_yolox_train_draws_the_bar_below_the_official_log_lines()
    {
        using var dir = new TempDir();
        var voc = TrainCommandTests.TinyVoc(dir.Path, 4);
        // script(1) gives the tool a pseudo-terminal for stdout and stderr, as an interactive shell would.
        var command = string.Join(' ', new[]
        {
            "dotnet", Path.Combine(AppContext.BaseDirectory, "yolox.dll"), "train", "--model", "nano", "--format", "voc",
            "--split", "tiny", "--dataset", voc, "--epochs", "1", "--batch", "2", "--input-size", "128",
            "-o", "warmup_epochs=1", "-o", "no_aug_epochs=0", "-o", "random_size=4,4", "-o", "print_interval=1",
            "-o", "data_num_workers=1", "--output", Path.Combine(dir.Path, "out"),
        }.Select(Quote));
        var (code, screen) = InTerminal(command, Path.Combine(dir.Path, "typescript"));

        Assert.True(code == 0, screen);
        Assert.Contains("epoch: 1/1, iter: 2/2", screen, StringComparison.Ordinal);
        Assert.Contains("epoch 1/1", screen, StringComparison.Ordinal);
        Assert.Contains("100%", screen, StringComparison.Ordinal);
        Assert.Contains("━", screen, StringComparison.Ordinal);
    }

    /// <summary>Runs a shell command under script(1) and returns its exit code and everything the terminal received.</summary>
    private static (int Code, string Screen) InTerminal(string command, string typescript)
    {
        var info = new ProcessStartInfo("script") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-q", "-e", "-c", command, typescript })
            info.ArgumentList.Add(a);
        info.Environment["TERM"] = "xterm-256color";
        info.Environment["OMP_WAIT_POLICY"] = "PASSIVE";
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, File.ReadAllText(typescript) + error.Result);
    }

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static IAnsiConsole Interactive(TextWriter writer) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(writer),
        Ansi = AnsiSupport.Yes,
        ColorSystem = ColorSystemSupport.NoColors,
        Interactive = InteractionSupport.Yes,
    });

    private static IterationInfo Iteration(int epoch, int batch, long iteration) =>
        new(epoch, 2, batch, 3, iteration, new LossValues(5, 2, 2, 1, 0, 3, 24, 8), 1e-3, 416, 416,
            TimeSpan.FromSeconds(0.5), TimeSpan.Zero, 16, 3000, TimeSpan.FromSeconds(1), Skipped: false);
}
