using System.CommandLine;
using YoloX.Cli.Commands;

// The `yolox` tool: each command lives in its own file under Commands/ and is added here.
var root = new RootCommand("YoloX.NET: YOLOX object detection for .NET.");
foreach (var command in CommandCatalog.All())
{
    root.Subcommands.Add(command);
}
return await root.Parse(args).InvokeAsync();
