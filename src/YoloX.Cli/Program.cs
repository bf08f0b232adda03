using YoloX.Cli.Commands;
using YoloX.Cli.Rendering;

// The `yolox` tool: each command lives in its own file under Commands/; CommandCatalog composes them.
var root = CommandCatalog.CreateRoot();
var parse = root.Parse(args);
if (parse.Errors.Count > 0 && parse.GetResult(root.Options.OfType<System.CommandLine.Help.HelpOption>().First()) is null)
{
    // Usage errors: one line each and exit code 2, instead of the full help.
    foreach (var e in parse.Errors)
    {
        Console.Error.WriteLine($"error: {e.Message}");
    }
    Console.Error.WriteLine("(yolox --help lists the commands; yolox <command> --help shows options and examples)");
    return 2;
}
// libtorch logs a warning per convolution where NNPACK cannot start (see LibTorchLog); the tool keeps its own output
// readable unless the user asks for libtorch's messages (TORCH_CPP_LOG_LEVEL, or --verbose).
if (Environment.GetEnvironmentVariable(YoloX.Core.Runtime.LibTorchLog.EnvironmentVariable) is null
    && !GlobalOptions.IsVerbose(parse))
{
    Environment.SetEnvironmentVariable(YoloX.Core.Runtime.LibTorchLog.EnvironmentVariable, "ERROR");
}
try
{
    // Our own handler instead of System.CommandLine's stack trace: one line unless --verbose.
    return await parse.InvokeAsync(new System.CommandLine.InvocationConfiguration
    {
        EnableDefaultExceptionHandler = false,
        // Ctrl-C/SIGTERM cancel the token; `train` then saves a resumable checkpoint, which takes longer than the
        // default 2-second grace period.
        ProcessTerminationTimeout = TimeSpan.FromMinutes(10),
    });
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("error: cancelled");
    return 130;
}
catch (Exception e)
{
    var verbose = parse.GetResult(GlobalOptions.Verbose) is not null;
    Console.Error.WriteLine(verbose ? e.ToString() : $"error: {e.Message}");
    return 1;
}
