using System.CommandLine;
using System.Text.Json;
using YoloX.Cli.Commands;
using YoloX.Testing;

namespace YoloX.Cli.Tests;

public class BenchmarkCommandTests
{
    [Fact]
    public void Benchmark_prints_one_row_per_backend_size_and_thread_count_and_writes_finite_json()
    {
        var json = Path.Combine(Path.GetTempPath(), $"bench-{Guid.NewGuid():N}.json");
        try
        {
            var (exit, output, error) = CliRunner.Run("benchmark", "--weights", SharedAssets.NanoOnnx, "--model", "nano",
                "--backend", "onnx", "torch", "--input-size", "416", "--threads", "1", "-n", "2", "--warmup", "1", "--json", json, "--quiet");
            Assert.True(exit == 0, error);
            Assert.Contains("images/s", output, StringComparison.Ordinal);
            Assert.Contains(" onnx ", output, StringComparison.Ordinal);
            Assert.Contains(" torch ", output, StringComparison.Ordinal);
            Assert.DoesNotContain("benchmarking", error, StringComparison.Ordinal);   // --quiet: no progress

            using var doc = JsonDocument.Parse(File.ReadAllText(json));
            var rows = doc.RootElement.EnumerateArray().ToList();
            Assert.Equal(2, rows.Count);
            Assert.Equal(["onnx", "torch"], rows.Select(r => r.GetProperty("backend").GetString()));
            foreach (var r in rows)
            {
                Assert.Equal(416, r.GetProperty("input_size").GetInt32());
                Assert.Equal(1, r.GetProperty("threads").GetInt32());
                foreach (var field in new[] { "mean_ms", "p50_ms", "p90_ms", "min_ms", "images_per_second" })
                {
                    var v = r.GetProperty(field).GetDouble();
                    Assert.True(double.IsFinite(v) && v > 0, $"{field} = {v}");
                }
                Assert.True(r.GetProperty("min_ms").GetDouble() <= r.GetProperty("p90_ms").GetDouble());
            }
        }
        finally
        {
            File.Delete(json);
        }
    }

    [Fact]
    public void Benchmark_with_a_bad_backend_or_missing_weights_fails_with_one_error_line()
    {
        var (exit, _, error) = CliRunner.Run("benchmark", "--weights", SharedAssets.NanoOnnx, "--backend", "tpu");
        Assert.Equal(2, exit);
        Assert.Equal("error: unknown backend 'tpu' (onnx, torch)", error.Trim());

        // The official ONNX file has a fixed 416 input: a clear one-line error, exit code 1.
        (exit, _, error) = CliRunner.Run("benchmark", "--weights", SharedAssets.NanoOnnx, "--input-size", "320", "-q");
        Assert.Equal(1, exit);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.Contains("fixed at 416", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public void Help_of_each_command_ends_with_examples_and_usage_errors_exit_with_code_two()
    {
        foreach (var command in new[] { "detect", "eval", "models", "benchmark", "dataset" })
        {
            using var output = new StringWriter();
            var root = CommandCatalog.CreateRoot();
            var exit = root.Parse([command, "--help"]).Invoke(new InvocationConfiguration { Output = output });
            Assert.Equal(0, exit);
            var text = output.ToString();
            Assert.Contains("Examples:", text, StringComparison.Ordinal);
            Assert.Contains($"  yolox {command}", text, StringComparison.Ordinal);
            Assert.Contains("--quiet", text, StringComparison.Ordinal);
        }
    }
}
