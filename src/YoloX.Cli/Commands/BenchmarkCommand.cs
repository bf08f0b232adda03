using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SkiaSharp;
using Spectre.Console;
using YoloX.Cli.Rendering;
using YoloX.Inference;
using YoloX.Inference.Processing;

namespace YoloX.Cli.Commands;

/// <summary>
/// <c>yolox benchmark</c>: end-to-end <c>Detect</c> latency (pre-processing, inference, post-processing) and throughput
/// for every combination of backend, input size and thread count, as a table or JSON.
/// </summary>
internal static class BenchmarkCommand
{
    /// <summary>One measured combination.</summary>
    internal sealed record Row(string Backend, int InputSize, int? Threads, int Iterations,
        double MeanMs, double P50Ms, double P90Ms, double MinMs, double ImagesPerSecond);

    public static Command Create()
    {
        var weights = new Option<string>("--weights", "-w") { Description = "Weights: a file or an official name (e.g. yolox_nano.onnx).", Required = true };
        var model = new Option<string?>("--model", "-m") { Description = "Model size (default input size and the official weights name)." };
        var backends = new Option<string[]>("--backend") { Description = "Backends to compare (onnx, torch).", DefaultValueFactory = _ => ["onnx"], AllowMultipleArgumentsPerToken = true };
        var sizes = new Option<int[]>("--input-size") { Description = "Square input sizes (multiples of 32); default: the model's.", AllowMultipleArgumentsPerToken = true };
        var threads = new Option<int[]>("--threads") { Description = "Thread counts (ONNX Runtime intra-op; Torch set_num_threads); default: the runtime's.", AllowMultipleArgumentsPerToken = true };
        var iterations = new Option<int>("--iterations", "-n") { Description = "Timed Detect calls per combination.", DefaultValueFactory = _ => 20 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed Detect calls first.", DefaultValueFactory = _ => 3 };
        var image = new Option<string?>("--image") { Description = "Image to detect in (default: a synthetic 640×480 picture)." };
        var json = new Option<string?>("--json") { Description = "Write the results as JSON to this file ('-' for stdout instead of the table)." };
        var command = HelpExamples.Add(new Command("benchmark",
            "Measure Detect latency (pre-processing, inference, post-processing) and throughput per backend, input size and thread count.")
        {
            weights, model, backends, sizes, threads, iterations, warmup, image, json,
        },
            "yolox benchmark --weights yolox_nano.onnx",
            "yolox benchmark --weights yolox_nano.onnx --model nano --backend onnx torch --threads 1 2 --input-size 320 416",
            "yolox benchmark --weights yolox_nano.onnx -n 50 --json bench.json");
        command.SetAction((parse, ct) => Task.FromResult(Run(parse, new Plan(
            parse.GetValue(weights)!, parse.GetValue(model), parse.GetValue(backends) ?? ["onnx"],
            parse.GetValue(sizes) is { Length: > 0 } s ? [.. s.Select(v => (int?)v)] : [null],
            parse.GetValue(threads) is { Length: > 0 } t ? [.. t.Select(v => (int?)v)] : [null],
            parse.GetValue(iterations), parse.GetValue(warmup), parse.GetValue(image), parse.GetValue(json)), ct)));
        return command;
    }

    private sealed record Plan(string Weights, string? Model, string[] Backends, int?[] Sizes, int?[] Threads,
        int Iterations, int Warmup, string? Image, string? Json);

    private static int Run(ParseResult parse, Plan plan, CancellationToken ct)
    {
        var error = parse.InvocationConfiguration.Error;
        if (plan.Iterations < 1 || plan.Warmup < 0)
        {
            error.WriteLine("error: --iterations must be at least 1 and --warmup at least 0");
            return 2;
        }
        if (plan.Backends.FirstOrDefault(b => b is not ("onnx" or "torch")) is { } bad)
        {
            error.WriteLine($"error: unknown backend '{bad}' (onnx, torch)");
            return 2;
        }
        using var picture = plan.Image is { } path ? ImageDecoder.Decode(path) : Synthetic();
        var rows = new List<Row>();
        var combos = (from b in plan.Backends from s in plan.Sizes from t in plan.Threads select (b, s, t)).ToList();
        try
        {
            CliProgress.Run(error, "benchmarking", GlobalOptions.IsQuiet(parse) || plan.Json == "-", progress =>
            {
                progress.Report((0, combos.Count));
                foreach (var (backend, size, threads) in combos)
                {
                    ct.ThrowIfCancellationRequested();
                    rows.Add(Measure(plan, backend, size, threads, picture, GlobalOptions.IsVerbose(parse) ? new CliLogger(error) : null, ct));
                    progress.Report((rows.Count, combos.Count));
                }
                return 0;
            });
        }
        catch (Exception e) when (e is FileNotFoundException or ImageDecodeException or InvalidModelException or WeightsDownloadException
            or InvalidOperationException or NotSupportedException or ArgumentException or IOException)
        {
            error.WriteLine($"error: {e.Message}");
            return 1;
        }
        Report(parse, plan, rows);
        return 0;
    }

    private static Row Measure(Plan plan, string backend, int? size, int? threads, SKBitmap picture,
        Microsoft.Extensions.Logging.ILogger? logger, CancellationToken ct)
    {
        var builder = new DetectorSettings(plan.Weights, plan.Model, backend, 0.3f, 0.45f, size, threads).ApplyTo(YoloXBuilder.Create());
        if (logger is not null)
        {
            builder = builder.WithLogger(logger);
        }
        var previousTorchThreads = TorchSharp.torch.get_num_threads();
        if (backend == "torch" && threads is { } n)
        {
            TorchSharp.torch.set_num_threads(n);
        }
        try
        {
            using var detector = builder.BuildDetector();
            for (var i = 0; i < plan.Warmup; i++)
            {
                detector.Detect(picture, "benchmark", ct);
            }
            var times = new double[plan.Iterations];
            var total = Stopwatch.StartNew();
            for (var i = 0; i < times.Length; i++)
            {
                var clock = Stopwatch.StartNew();
                detector.Detect(picture, "benchmark", ct);
                times[i] = clock.Elapsed.TotalMilliseconds;
            }
            var seconds = total.Elapsed.TotalSeconds;
            Array.Sort(times);
            return new Row(backend, detector.Model.InputWidth, threads, times.Length, times.Average(),
                Percentile(times, 0.5), Percentile(times, 0.9), times[0], times.Length / seconds);
        }
        finally
        {
            TorchSharp.torch.set_num_threads(previousTorchThreads);
        }
    }

    private static double Percentile(double[] sorted, double q) => sorted[(int)Math.Clamp(Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static void Report(ParseResult parse, Plan plan, List<Row> rows)
    {
        var output = parse.InvocationConfiguration.Output;
        if (plan.Json is { } json)
        {
            var text = JsonSerializer.Serialize(rows, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower });
            if (json == "-")
            {
                output.WriteLine(text);
                return;
            }
            File.WriteAllText(json, text);
        }
        var table = new Table().Title($"Detect on {(plan.Image is null ? "a synthetic 640×480 image" : Markup.Escape(plan.Image))}, {plan.Iterations} iterations")
            .AddColumn("backend").AddColumn(new TableColumn("input").RightAligned()).AddColumn(new TableColumn("threads").RightAligned())
            .AddColumn(new TableColumn("mean ms").RightAligned()).AddColumn(new TableColumn("p50 ms").RightAligned())
            .AddColumn(new TableColumn("p90 ms").RightAligned()).AddColumn(new TableColumn("min ms").RightAligned())
            .AddColumn(new TableColumn("images/s").RightAligned());
        foreach (var r in rows)
        {
            table.AddRow(r.Backend, F(r.InputSize, "0"), r.Threads?.ToString(CultureInfo.InvariantCulture) ?? "default",
                F(r.MeanMs, "F1"), F(r.P50Ms, "F1"), F(r.P90Ms, "F1"), F(r.MinMs, "F1"), F(r.ImagesPerSecond, "F1"));
        }
        var console = CliConsole.For(output);
        console.Write(table);
        if (plan.Json is { } file && !GlobalOptions.IsQuiet(parse))
        {
            console.WriteLine($"results written to {file}");
        }
    }

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>A deterministic 640×480 test picture (gradient with shapes), so that the command needs no file.</summary>
    private static SKBitmap Synthetic()
    {
        var bitmap = new SKBitmap(new SKImageInfo(640, 480, SKColorType.Bgra8888, SKAlphaType.Unpremul));
        using var canvas = new SKCanvas(bitmap);
        using var paint = new SKPaint();
        paint.Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(640, 480), [SKColors.SkyBlue, SKColors.DarkOliveGreen], SKShaderTileMode.Clamp);
        canvas.DrawRect(0, 0, 640, 480, paint);
        paint.Shader = null;
        paint.Color = SKColors.OrangeRed;
        canvas.DrawCircle(200, 260, 90, paint);
        paint.Color = SKColors.Gold;
        canvas.DrawRect(380, 120, 180, 220, paint);
        return bitmap;
    }
}
