using System.CommandLine;
using YoloX.Cli.Commands;

// The `yolox` tool: each command lives in its own file under Commands/ and is added here.
var root = new RootCommand("YoloX.NET: YOLOX object detection for .NET.");
foreach (var command in CommandCatalog.All())
{
    root.Subcommands.Add(command);
}
// Ctrl-C and SIGTERM cancel the command's token; `train` then saves a resumable checkpoint, which can take longer
// than System.CommandLine's default 2-second grace period.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromMinutes(10) });
