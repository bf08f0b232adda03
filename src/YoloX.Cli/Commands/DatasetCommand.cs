using YoloX.Cli.Rendering;
using System.CommandLine;
using System.Globalization;
using YoloX.Training.Data;

namespace YoloX.Cli.Commands;

/// <summary><c>yolox dataset check|convert</c>: validate a dataset, or convert it between COCO JSON, VOC XML and YOLO txt.</summary>
internal static class DatasetCommand
{
    public static Command Create()
    {
        var command = HelpExamples.Add(new Command("dataset", "Check or convert detection datasets (COCO JSON, PASCAL VOC XML, YOLO txt)."),
            "yolox dataset check datasets/bccd", "yolox dataset convert --help");
        command.Subcommands.Add(CreateCheck());
        command.Subcommands.Add(CreateConvert());
        return command;
    }

    /// <summary>Options shared by the commands that read a dataset.</summary>
    internal sealed class SourceOptions
    {
        public Option<string?> Format { get; } = FormatOption("--format", "Dataset format; detected from the layout when omitted.");
        public Option<string?> Annotations { get; } = new("--annotations") { Description = "COCO: the annotation JSON. YOLO: the labels folder." };
        public Option<string?> Images { get; } = new("--images") { Description = "Images folder, when not the format's default." };
        public Option<string?> Split { get; } = new("--split") { Description = "VOC: the ImageSets/Main list to read (e.g. test); all XML files when omitted." };
        public Option<string?> Names { get; } = new("--names") { Description = "Class names file (one per line, or YAML 'names')." };

        public void AddTo(Command command)
        {
            command.Options.Add(Format);
            command.Options.Add(Annotations);
            command.Options.Add(Images);
            command.Options.Add(Split);
            command.Options.Add(Names);
        }

        public (DatasetFormat Format, DatasetReadOptions Options) Resolve(ParseResult parse, string path)
        {
            var format = parse.GetValue(Format) is { } f ? ParseFormat(f) : DatasetIO.Detect(parse.GetValue(Annotations) ?? path);
            var names = parse.GetValue(Names);
            var options = new DatasetReadOptions
            {
                AnnotationsPath = parse.GetValue(Annotations),
                ImagesDirectory = parse.GetValue(Images),
                Split = parse.GetValue(Split),
                NamesFile = names,
                ClassNames = names is not null && format == DatasetFormat.Voc ? YoloTxtReader.ReadNames(names) : null,
            };
            return (format, options);
        }
    }

    internal static Option<string?> FormatOption(string name, string description)
    {
        var option = new Option<string?>(name) { Description = description };
        option.AcceptOnlyFromAmong("coco", "voc", "yolo");
        return option;
    }

    internal static DatasetFormat ParseFormat(string value) => value.ToLowerInvariant() switch
    {
        "coco" => DatasetFormat.Coco,
        "voc" => DatasetFormat.Voc,
        "yolo" => DatasetFormat.Yolo,
        _ => throw new ArgumentException($"unknown format '{value}'"),
    };

    private static Command CreateCheck()
    {
        var path = new Argument<string>("path") { Description = "Dataset folder or COCO annotation JSON." };
        var source = new SourceOptions();
        var command = new Command("check", "Validate a dataset: every problem with file and line, then a summary. Exit code 1 on errors.") { path };
        source.AddTo(command);
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            try
            {
                var (format, options) = source.Resolve(parse, parse.GetValue(path)!);
                output.WriteLine($"format: {format.ToString().ToLowerInvariant()}");
                var report = CliProgress.Run(error, "checking", GlobalOptions.IsQuiet(parse),
                    bar => DatasetValidator.Check(parse.GetValue(path)!, format, options, bar));
                output.Write(report.Format());
                return report.IsValid ? 0 : 1;
            }
            catch (DatasetFormatException e)
            {
                error.WriteLine($"error: {e.Message}");
                return 2;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                error.WriteLine($"error: {e.Message}");
                return 2;
            }
        });
        return command;
    }

    private static Command CreateConvert()
    {
        var path = new Argument<string>("path") { Description = "Source dataset folder or COCO annotation JSON." };
        var source = new SourceOptions();
        var to = FormatOption("--to", "Target format.");
        to.Required = true;
        var output = new Option<string>("--output", "-o") { Description = "Output folder.", Required = true };
        var outSplit = new Option<string>("--output-split") { Description = "Split name in the output (COCO instances_NAME.json, VOC ImageSets list).", DefaultValueFactory = _ => "train" };
        var noImages = new Option<bool>("--no-images") { Description = "Write annotations only; do not copy the images." };
        var command = new Command("convert", "Convert a dataset to another format (images are copied into the target layout).")
        {
            path, to, output, outSplit, noImages,
        };
        source.AddTo(command);
        command.SetAction(parse =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            try
            {
                var (format, options) = source.Resolve(parse, parse.GetValue(path)!);
                var dataset = DatasetIO.Read(parse.GetValue(path)!, format, options);
                var target = ParseFormat(parse.GetValue(to)!);
                var result = DatasetWriter.Write(dataset, target, parse.GetValue(output)!, parse.GetValue(outSplit)!, !parse.GetValue(noImages));
                var dropped = result.Dropped > 0
                    ? string.Create(CultureInfo.InvariantCulture, $" ({result.Dropped} crowd boxes dropped: YOLO txt cannot hold them)")
                    : string.Empty;
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{format.ToString().ToLowerInvariant()} → {target.ToString().ToLowerInvariant()}: {result.Images} images, {result.Boxes} boxes written to {result.Root}{dropped}"));
                foreach (var issue in dataset.Issues)
                {
                    error.WriteLine(issue);
                }
                return 0;
            }
            catch (DatasetFormatException e)
            {
                error.WriteLine($"error: {e.Message}");
                return 2;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
            {
                error.WriteLine($"error: {e.Message}");
                return 2;
            }
        });
        return command;
    }
}
