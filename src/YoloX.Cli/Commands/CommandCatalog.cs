using System.CommandLine;

namespace YoloX.Cli.Commands;

/// <summary>The tool's commands, one factory per file in this folder.</summary>
internal static class CommandCatalog
{
    /// <summary>The root command with every command, the global options and help with examples (what Program runs).</summary>
    public static RootCommand CreateRoot()
    {
        var root = new RootCommand("YoloX.NET: YOLOX object detection for .NET. Exit codes: 0 success, 1 failure (one-line \"error:\" on stderr; --verbose for details), 2 bad usage.");
        foreach (var command in All())
        {
            root.Subcommands.Add(command);
        }
        YoloX.Cli.Rendering.HelpExamples.Add(root,
            "yolox detect dog.jpg --weights yolox_nano.onnx --save-dir out",
            "yolox eval --weights yolox_nano.onnx --dataset coco128 --format coco",
            "yolox models",
            "yolox benchmark --weights yolox_nano.onnx --backend onnx torch",
            "yolox <command> --help");
        YoloX.Cli.Rendering.HelpExamples.Install(root);
        return root;
    }

    public static IEnumerable<Command> All() => Commands().Select(YoloX.Cli.Rendering.GlobalOptions.AddTo);

    private static IEnumerable<Command> Commands()
    {
        yield return DetectCommand.Create();
        yield return EvalCommand.Create();
        yield return DatasetCommand.Create();
        yield return ModelsCommand.Create();
        yield return BenchmarkCommand.Create();
        yield return TrainCommand.Create();
        yield return ExportCommand.Create();
    }
}
