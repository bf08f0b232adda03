using System.CommandLine;

namespace YoloX.Cli.Commands;

/// <summary>The tool's commands, one factory per file in this folder.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> All()
    {
        yield return DetectCommand.Create();
        yield return EvalCommand.Create();
        yield return DatasetCommand.Create();
        yield return ExportCommand.Create();
    }
}
