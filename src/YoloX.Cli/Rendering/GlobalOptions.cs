using System.CommandLine;

namespace YoloX.Cli.Rendering;

/// <summary>Options every command takes: <c>--quiet</c> (results and errors only) and <c>--verbose</c> (load logs, full errors).</summary>
internal static class GlobalOptions
{
    public static Option<bool> Quiet { get; } = new("--quiet", "-q") { Description = "Print only results and errors (no progress, no notes).", Recursive = true };

    public static Option<bool> Verbose { get; } = new("--verbose", "-v") { Description = "Log model loading to stderr, keep libtorch's own warnings and print full error details.", Recursive = true };

    public static bool IsQuiet(ParseResult parse) => parse.GetValue(Quiet);

    public static bool IsVerbose(ParseResult parse) => parse.GetValue(Verbose) && !parse.GetValue(Quiet);

    /// <summary>Adds both options to <paramref name="command"/> (recursively to its subcommands).</summary>
    public static Command AddTo(Command command)
    {
        command.Options.Add(Quiet);
        command.Options.Add(Verbose);
        return command;
    }
}
