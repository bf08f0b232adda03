using System.CommandLine;
using YoloX.Cli.Commands;

namespace YoloX.Cli.Tests;

/// <summary>Runs the real `yolox` command tree in-process and captures what it writes.</summary>
internal static class CliRunner
{
    public static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        var root = new RootCommand("test");
        foreach (var command in CommandCatalog.All())
        {
            root.Subcommands.Add(command);
        }
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
