using System.CommandLine;
using System.Text.Json;
using YoloX.Cli.Commands;
using YoloX.Testing;

namespace YoloX.Cli.Tests;

public sealed class DetectCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "yolox-cli-tests-" + Guid.NewGuid().ToString("N"));

    public DetectCommandTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<(int Code, string Output, string Error)> Run(params string[] args)
    {
        var root = new RootCommand("test");
        root.Subcommands.Add(DetectCommand.Create());
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Threads_option_is_honoured_by_the_torch_backend()
    {
        var before = TorchSharp.torch.get_num_threads();
        try
        {
            var (code, output, error) = await Run("detect", SharedAssets.DogJpg, "--weights", SharedAssets.NanoOnnx, "--model", "nano",
                "--backend", "torch", "--threads", "1");
            Assert.True(code == 0, error);
            Assert.Contains("dog", output);
            Assert.Equal(1, TorchSharp.torch.get_num_threads()); // libtorch's intra-op pool, process-wide
        }
        finally
        {
            TorchSharp.torch.set_num_threads(before);
        }
    }

    [Fact]
    public async Task Detect_prints_dog_bicycle_and_car_and_writes_json_and_drawings()
    {
        var json = Path.Combine(_dir, "dets.json");
        var saveDir = Path.Combine(_dir, "vis");
        var (code, output, error) = await Run(
            "detect", SharedAssets.DogJpg, "--weights", SharedAssets.NanoOnnx, "--model", "nano",
            "--json", json, "--save-dir", saveDir, "--threads", "2");

        Assert.True(code == 0, error);
        Assert.Contains("(768×576)", output);
        Assert.Matches(@"\n\s+dog\s+\d+\.\d%\s+box \[", output);
        Assert.Matches(@"\n\s+bicycle\s+", output);
        Assert.Matches(@"\n\s+(car|truck)\s+", output);
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        var names = doc.RootElement[0].GetProperty("detections").EnumerateArray().Select(d => d.GetProperty("class_name").GetString()).ToList();
        Assert.Contains("dog", names);
        Assert.True(File.Exists(Path.Combine(saveDir, "dog.jpg")));
    }

    [Fact]
    public async Task A_bad_image_is_reported_by_name_the_others_are_still_detected_and_the_exit_code_is_1()
    {
        var bad = Path.Combine(_dir, "broken.jpg");
        await File.WriteAllTextAsync(bad, "not an image");
        var (code, output, error) = await Run("detect", bad, SharedAssets.DogJpg, "--weights", SharedAssets.NanoOnnx);
        Assert.Equal(1, code);
        Assert.Contains(bad, error);
        Assert.Contains("dog", output);
    }

    [Fact]
    public async Task Missing_weights_and_bad_options_fail_with_a_message()
    {
        var missing = Path.Combine(_dir, "none", "model.onnx");
        var (code, _, error) = await Run("detect", SharedAssets.DogJpg, "--weights", missing);
        Assert.Equal(1, code);
        Assert.Contains(missing, error);

        var (badModel, _, _) = await Run("detect", SharedAssets.DogJpg, "--weights", SharedAssets.NanoOnnx, "--model", "huge");
        Assert.NotEqual(0, badModel);
        var (badConf, _, confError) = await Run("detect", SharedAssets.DogJpg, "--weights", SharedAssets.NanoOnnx, "--conf", "2");
        Assert.Equal(1, badConf);
        Assert.Contains("confidence threshold 2", confError);
    }

    [Fact]
    public void The_tool_resolves_official_weights_by_name_from_YOLOX_WEIGHTS_DIR()
    {
        // As `./build.sh detect` runs it: a separate process with the environment variable set.
        var (code, output, error) = ToolProcess.Run(["detect", SharedAssets.DogJpg, "--weights", "yolox_nano.onnx"],
            new Dictionary<string, string?>
            {
                ["YOLOX_WEIGHTS_DIR"] = Path.GetDirectoryName(SharedAssets.NanoOnnx),
                ["YOLOX_CACHE_DIR"] = _dir, // an empty cache: nothing may come from a previous download
            });
        Assert.True(code == 0, error);
        Assert.Contains("dog", output);
        Assert.Contains("bicycle", output);
        Assert.Empty(Directory.GetFiles(_dir));
    }
}
