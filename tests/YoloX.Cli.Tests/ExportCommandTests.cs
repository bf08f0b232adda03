using System.CommandLine;
using YoloX.Cli.Commands;
using YoloX.Core;
using YoloX.Core.Export;
using YoloX.Testing;
using YoloX.Training.Checkpoints;

namespace YoloX.Cli.Tests;

/// <summary><c>yolox export</c> writes a file that <c>yolox detect</c> runs with nothing but the file.</summary>
public sealed class ExportCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "yolox-cli-export-" + Guid.NewGuid().ToString("N"));

    public ExportCommandTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<(int Code, string Output, string Error)> Run(params string[] args)
    {
        var root = new RootCommand("test");
        root.Subcommands.Add(DetectCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Export_with_nms_of_the_official_nano_detects_the_dog_from_the_file_alone()
    {
        var onnx = Path.Combine(_dir, "nano-nms.onnx");
        var (code, output, error) = await Run("export", "--weights", SharedAssets.NanoOnnx, "--output", onnx,
            "--nms", "--dynamic-batch", "--opset", "13");
        Assert.True(code == 0, error);
        Assert.Contains("NMS", output);
        Assert.True(File.Exists(onnx));

        (code, output, error) = await Run("detect", SharedAssets.DogJpg, "--weights", onnx, "--threads", "2");
        Assert.True(code == 0, error);
        Assert.Contains("NMS in graph", output);
        Assert.Matches(@"\n\s+dog\s+\d+\.\d%\s+box \[", output);
        Assert.Matches(@"\n\s+bicycle\s+", output);
    }

    [Fact]
    public async Task Export_of_a_training_checkpoint_writes_its_ema_model_with_its_class_names()
    {
        string[] names = ["RBC", "WBC", "Platelets"];
        var checkpoint = Path.Combine(_dir, TrainingCheckpoint.FileName(CheckpointKind.Latest));
        var emaDirect = Path.Combine(_dir, "ema-direct.onnx");
        var modelDirect = Path.Combine(_dir, "model-direct.onnx");
        TorchSharp.torch.manual_seed(1);
        using (var model = YoloXModel.Create(YoloXPreset.Nano, names.Length))
        {
            TorchSharp.torch.manual_seed(2);
            using var ema = YoloXModel.Create(YoloXPreset.Nano, names.Length);
            TrainingCheckpoint.Save(checkpoint, model, ema, [], TrainingProgress.Start(0, 416, 416), names, "");
            model.eval();
            ema.eval();
            ema.ExportOnnx(emaDirect, new OnnxExportOptions { ClassNames = names });
            model.ExportOnnx(modelDirect, new OnnxExportOptions { ClassNames = names });
        }
        var onnx = Path.Combine(_dir, "from-checkpoint.onnx");

        var (code, _, error) = await Run("export", "--weights", checkpoint, "--output", onnx);

        Assert.True(code == 0, error);
        var written = await File.ReadAllBytesAsync(onnx);
        Assert.Equal(await File.ReadAllBytesAsync(emaDirect), written);
        Assert.NotEqual(await File.ReadAllBytesAsync(modelDirect), written);
    }

    [Fact]
    public async Task Export_rejects_an_opset_outside_11_to_17_without_writing()
    {
        var onnx = Path.Combine(_dir, "bad.onnx");
        var (code, _, error) = await Run("export", "--weights", SharedAssets.NanoOnnx, "--output", onnx, "--opset", "9");
        Assert.Equal(1, code);
        Assert.Contains("opset", error, StringComparison.OrdinalIgnoreCase);
        Assert.False(File.Exists(onnx));
    }
}
