using Spectre.Console;

namespace YoloX.Cli.Rendering;

/// <summary>
/// Spectre.Console consoles over the writers System.CommandLine hands a command, so that tests capturing those
/// writers see the same text; colour and live widgets only when the writer is the real terminal.
/// </summary>
internal static class CliConsole
{
    /// <summary>True when <paramref name="writer"/> is the process's standard output or error and that is a terminal.</summary>
    public static bool IsTerminal(TextWriter writer) =>
        ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected
        || ReferenceEquals(writer, Console.Error) && !Console.IsErrorRedirected;

    public static IAnsiConsole For(TextWriter writer)
    {
        var terminal = IsTerminal(writer);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!terminal)
        {
            // Redirected output (files, pipes, tests) has no width; keep table rows on one line each.
            console.Profile.Width = 160;
        }
        return console;
    }
}
