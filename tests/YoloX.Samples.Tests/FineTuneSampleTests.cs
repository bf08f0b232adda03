using YoloX.Testing;

namespace YoloX.Samples.Tests;

/// <summary>samples/FineTune as a user runs it on BCCD (VOC), one short epoch: it trains and reports its outputs.</summary>
public sealed class FineTuneSampleTests : IDisposable
{
    private readonly string output = Path.Combine(Path.GetTempPath(), "yolox-finetune-sample-" + Guid.NewGuid().ToString("N"));

    [Fact]
    [Trait("Category", "Slow")]
    public void FineTune_trains_one_epoch_on_BCCD_and_prints_where_the_checkpoint_results_and_curves_are()
    {
        var (exitCode, text) = SampleProcess.Run("FineTune", TimeSpan.FromMinutes(20),
            SharedAssets.Asset("datasets/bccd/BCCD"), "--format", "voc", "--weights", SharedAssets.NanoOnnx,
            "--epochs", "1", "--batch", "8", "--input-size", "320", "--output", output);

        Assert.True(exitCode == 0, text);
        Assert.True(File.Exists(Path.Combine(output, "latest_ckpt.safetensors")), text);
        Assert.True(File.Exists(Path.Combine(output, "results.csv")), text);
        Assert.Contains(Path.Combine(output, "results.csv"), text, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(output, "loss_curves.png"), text, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(output))
        {
            Directory.Delete(output, recursive: true);
        }
    }
}
