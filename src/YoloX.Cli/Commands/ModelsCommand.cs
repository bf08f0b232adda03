using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using YoloX.Cli.Rendering;
using YoloX.Core;
using YoloX.Core.Profiling;

namespace YoloX.Cli.Commands;

/// <summary><c>yolox models</c>: the model-zoo table, parameters and GFLOPs counted from our own models.</summary>
internal static class ModelsCommand
{
    public static Command Create()
    {
        var published = new Option<bool>("--published") { Description = "Show the published numbers only (skip building each model to count it)." };
        var command = HelpExamples.Add(new Command("models",
            "The YOLOX model zoo: input size, parameters and GFLOPs counted from our models (as the official get_model_info counts them), official and seed COCO AP.")
        {
            published,
        }, "yolox models", "yolox models --published");
        command.SetAction((parse, ct) => Task.FromResult(Run(parse, parse.GetValue(published), ct)));
        return command;
    }

    private static int Run(ParseResult parse, bool publishedOnly, CancellationToken ct)
    {
        var console = CliConsole.For(parse.InvocationConfiguration.Output);
        var table = new Table().Title("YOLOX model zoo (COCO, 80 classes)")
            .AddColumn("model").AddColumn(new TableColumn("input").RightAligned())
            .AddColumn(new TableColumn("params (M)").RightAligned()).AddColumn(new TableColumn("GFLOPs").RightAligned())
            .AddColumn(new TableColumn("AP val (official)").RightAligned()).AddColumn(new TableColumn("AP (seed)").RightAligned())
            .AddColumn("weights");
        foreach (var info in YoloXPresetInfo.All)
        {
            ct.ThrowIfCancellationRequested();
            var (paramsM, gflops) = publishedOnly ? (info.OfficialParameterCount / 1e6, info.OfficialGFlops) : Count(info);
            table.AddRow(
                Markup.Escape(info.Name),
                Invariant($"{info.InputSize}"),
                // Published numbers keep their printed precision; counted ones get get_model_info's two decimals.
                paramsM.ToString(publishedOnly ? "0.##" : "F2", CultureInfo.InvariantCulture),
                gflops.ToString(publishedOnly ? "0.##" : "F2", CultureInfo.InvariantCulture),
                Invariant($"{info.OfficialCocoAp:F1}"),
                Invariant($"{info.SeedCocoAp:F1}"),
                Markup.Escape($"{info.OnnxFile.FileName}, {info.PyTorchFile.FileName}"));
        }
        console.Write(table);
        if (GlobalOptions.IsQuiet(parse))
        {
            return 0;
        }
        console.WriteLine(publishedOnly
            ? "params and GFLOPs as published in the official README."
            : "params and GFLOPs counted from the model: 2 × (conv MACs + bias adds + 2·BN + LeakyReLU elements), as get_model_info.");
        return 0;
    }

    private static (double ParamsM, double GFlops) Count(YoloXPresetInfo info)
    {
        using var model = YoloXModel.Create(info.Preset);
        var c = ComplexityCounter.Measure(model);
        return (c.ParametersM, c.GFlops);
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
