using System.Globalization;
using YoloX.Testing;
using YoloX.Training.Checkpoints;

namespace YoloX.Cli.Tests;

/// <summary>
/// The BCCD fine-tuning protocol of golden/bccd_finetune/README.md (official COCO Nano ONNX → 3 classes, VOC data,
/// Nano recipe, batch 8 at 416, EMA evaluation) wired end to end, shortened to one epoch on 16 images so that it
/// proves the pipeline, not the accuracy (the full 20-epoch command is in docs/training.md).
/// </summary>
public class BccdFineTuneTests
{
    [Fact]
    [Trait("Category", "Slow")]
    public void One_epoch_fine_tune_from_the_official_onnx_writes_checkpoints_and_logs_and_eval_reads_the_best_checkpoint()
    {
        using var dir = new TempDir();
        var voc = TrainCommandTests.TinyVoc(dir.Path, 16);
        var output = Path.Combine(dir.Path, "bccd");
        var (code, log) = TrainCommandTests.RunToEnd(
        [
            "train", "--model", "nano", "--dataset", voc, "--format", "voc", "--split", "tiny", "--eval-split", "tinytest",
            "--weights", SharedAssets.NanoOnnx, "--epochs", "1", "--batch", "8", "--input-size", "416",
            "-o", "warmup_epochs=1", "-o", "no_aug_epochs=0", "-o", "eval_interval=1", "-o", "seed=0", "--output", output,
        ]);
        Assert.True(code == 0, log);
        Assert.Contains("6 reshaped (skipped, left at init)", log);      // the 80-class predictions, reported by name
        Assert.Contains("skipped (shape): head.cls_preds.0.weight", log);
        Assert.Contains("epoch: 1/1, iter: 2/2", log);                  // the official-style line
        foreach (var kind in new[] { CheckpointKind.Latest, CheckpointKind.Best })
        {
            Assert.True(File.Exists(Path.Combine(output, TrainingCheckpoint.FileName(kind))), kind.ToString());
        }
        var results = File.ReadAllLines(Path.Combine(output, "results.csv"));
        Assert.Equal(2, results.Length);
        var row = results[1].Split(',');
        var ap = double.Parse(row[9], CultureInfo.InvariantCulture);
        var voc50 = double.Parse(row[21], CultureInfo.InvariantCulture);
        Assert.True(double.IsFinite(ap) && ap >= 0 && double.IsFinite(voc50) && voc50 >= 0, results[1]);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(output, "iterations.csv")).Length - 1);

        // yolox eval on our checkpoint (EMA weights, fused by the Torch backend) gives the trainer's AP.
        var json = Path.Combine(dir.Path, "eval.json");
        var (evalCode, evalOut, evalErr) = CliRunner.Run("eval", "--weights", Path.Combine(output, "best_ckpt.safetensors"),
            "--dataset", voc, "--format", "voc", "--split", "tinytest", "--conf", "0.01", "--nms", "0.65", "--json", json);
        Assert.True(evalCode == 0, evalOut + evalErr);
        using var stats = System.Text.Json.JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal(ap, stats.RootElement.GetProperty("AP").GetDouble(), 3);
    }
}
