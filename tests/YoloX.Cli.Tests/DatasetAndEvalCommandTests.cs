using System.Text.Json;
using Xunit;
using YoloX.Testing;

namespace YoloX.Cli.Tests;

public sealed class DatasetAndEvalCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("yolox-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Bccd => SharedAssets.Asset("datasets/bccd");

    [Fact]
    public void Dataset_check_reports_bccd_zero_area_boxes_with_file_and_line_and_fails()
    {
        var (exit, output, _) = CliRunner.Run("dataset", "check", Bccd);
        Assert.Equal(1, exit);
        Assert.Contains("BloodImage_00338.xml:158", output, StringComparison.Ordinal);
        Assert.Contains("BloodImage_00343.xml:", output, StringComparison.Ordinal);
        Assert.Contains("2 error(s)", output, StringComparison.Ordinal);
        Assert.Contains("images: 364", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Dataset_check_passes_coco128_and_summarises_it()
    {
        var (exit, output, _) = CliRunner.Run("dataset", "check", SharedAssets.Asset("datasets/coco128"));
        Assert.Equal(0, exit);
        Assert.Contains("format: coco", output, StringComparison.Ordinal);
        Assert.Contains("boxes: 939 (10 crowd", output, StringComparison.Ordinal);
        Assert.Contains("images: 128 (2 without annotations)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Dataset_check_names_the_file_and_line_of_a_bad_label_line()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "images"));
        Directory.CreateDirectory(Path.Combine(_dir, "labels"));
        File.Copy(SharedAssets.DogJpg, Path.Combine(_dir, "images", "dog.jpg"));
        File.WriteAllText(Path.Combine(_dir, "classes.txt"), "dog\n");
        File.WriteAllText(Path.Combine(_dir, "labels", "dog.txt"), "0 0.5 0.5 0.2 0.2\n0 0.5 0.5\n");
        var (exit, output, _) = CliRunner.Run("dataset", "check", _dir, "--format", "yolo");
        Assert.Equal(1, exit);
        Assert.Contains(Path.Combine(_dir, "labels", "dog.txt") + ":2", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Dataset_convert_writes_a_yolo_dataset_that_checks_clean()
    {
        var target = Path.Combine(_dir, "out");
        var (exit, output, error) = CliRunner.Run("dataset", "convert", Bccd, "--split", "test", "--to", "yolo", "-o", target);
        Assert.True(exit == 0, error);
        Assert.Contains("72 images, 945 boxes", output, StringComparison.Ordinal);
        var check = CliRunner.Run("dataset", "check", target, "--format", "yolo");
        Assert.Equal(0, check.ExitCode);
        Assert.Contains("boxes: 945", check.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Eval_of_precomputed_detections_prints_pycocotools_summary_and_writes_json()
    {
        var json = Path.Combine(_dir, "stats.json");
        var (exit, output, error) = CliRunner.Run("eval", "--dataset", SharedAssets.Golden("coco_case/gt.json"),
            "--detections", SharedAssets.Golden("coco_case/dets.json"), "--json", json);
        Assert.True(exit == 0, error);
        foreach (var line in File.ReadAllLines(SharedAssets.Golden("coco_case/summary.txt")).Where(l => l.StartsWith(" Average", StringComparison.Ordinal)))
        {
            Assert.Contains(line, output, StringComparison.Ordinal);
        }
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        using var golden = JsonDocument.Parse(File.ReadAllText(SharedAssets.Golden("coco_case/stats.json")));
        var stats = golden.RootElement.GetProperty("stats").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var keys = new[] { "AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl" };
        for (var i = 0; i < 12; i++)
        {
            Assert.Equal(stats[i], doc.RootElement.GetProperty(keys[i]).GetDouble(), 1e-6);
        }
        Assert.Equal(0.397360, doc.RootElement.GetProperty("per_class").GetProperty("person").GetDouble(), 1e-6);
    }

    [Fact]
    public void Eval_without_weights_or_detections_fails_with_a_message()
    {
        var (exit, _, error) = CliRunner.Run("eval", "--dataset", SharedAssets.Golden("coco_case/gt.json"));
        Assert.NotEqual(0, exit);
        Assert.Contains("--weights", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Eval_of_truncated_annotations_names_file_and_line()
    {
        var bad = Path.Combine(_dir, "bad.json");
        File.WriteAllText(bad, "{\"images\": [\n{\"id\": 1,");
        var (exit, _, error) = CliRunner.Run("eval", "--dataset", bad, "--detections", SharedAssets.Golden("coco_case/dets.json"));
        Assert.Equal(2, exit);
        Assert.Contains("bad.json:2", error, StringComparison.Ordinal);
    }

    [Theory]
    [Trait("Category", "Slow")]
    [InlineData("onnx")]
    [InlineData("torch")]
    public void Eval_of_official_nano_onnx_on_coco128_gives_the_official_pipeline_statistics(string backend)
    {
        var json = Path.Combine(_dir, $"nano-{backend}.json");
        var (exit, output, error) = CliRunner.Run("eval", "--weights", SharedAssets.NanoOnnx,
            "--dataset", SharedAssets.Asset("datasets/coco128"), "--format", "coco", "--conf", "0.001", "--nms", "0.65",
            "--input-size", "416", "--backend", backend, "--json", json);
        Assert.True(exit == 0, error);
        Assert.Contains("detecting", error, StringComparison.Ordinal);   // the progress (Spectre.Console) on stderr
        Assert.Contains("Average Precision", output, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        // The official pipeline's 12 statistics on coco128 at conf 0.001 (golden/official_pipeline/coco128_official.json).
        // ONNX Runtime and PyTorch differ by ≤ 2.7e-6 in score and ≤ 0.014 px in boxes, which can move a few
        // detections across the 0.001 threshold or an IoU step: 1e-3 per statistic.
        using var golden = JsonDocument.Parse(File.ReadAllText(SharedAssets.Golden("official_pipeline/coco128_official.json")));
        var official = golden.RootElement.GetProperty("per_conf").GetProperty("conf_0.001").GetProperty("stats")
            .EnumerateArray().Select(v => v.GetDouble()).ToArray();
        string[] names = ["AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"];
        Assert.Equal(12, official.Length);
        for (var i = 0; i < names.Length; i++)
        {
            var ours = doc.RootElement.GetProperty(names[i]).GetDouble();
            Assert.True(Math.Abs(ours - official[i]) <= 1e-3, $"{names[i]}: ours {ours:F6}, official {official[i]:F6}");
        }
    }
}
