using System.Text.Json;
using TorchSharp;
using YoloX.Core;
using YoloX.Core.Weights;
using YoloX.Testing;
using static TorchSharp.torch;

namespace YoloX.Training.Tests.Optimization;

/// <summary>
/// Access to <c>golden/train_steps</c>: the official trainer's first 12 iterations of YOLOX-Nano at 320, batch 2
/// (see that folder's README). All expected numbers come from the official run.
/// </summary>
internal static class TrainStepsGolden
{
    public static string File(string name) => SharedAssets.Golden(Path.Combine("train_steps", name));

    private static readonly Lazy<JsonDocument> StepsDoc = new(() => JsonDocument.Parse(System.IO.File.ReadAllBytes(File("steps.json"))));

    public static JsonElement Steps => StepsDoc.Value.RootElement;

    public static JsonElement Iteration(int k) => Steps.GetProperty("iterations")[k];

    /// <summary>The recipe of the golden run: Nano with max_epoch 6, warm-up 2, no-aug 1, basic_lr_per_img 0.01 (the README's deviation).</summary>
    public static TrainingRecipe Recipe => TrainingRecipe.ForPreset(YoloXPreset.Nano) with
    {
        MaxEpoch = 6, WarmupEpochs = 2, NoAugEpochs = 1, BasicLrPerImg = 0.01, BatchSize = 2, InputSize = (320, 320),
    };

    public const int IterationsPerEpoch = 2;

    public const int Batch = 2;

    /// <summary>A Nano model (80 classes) holding the tensors of a stored state dict.</summary>
    public static YoloXModel Model(string stateFile)
    {
        var model = YoloXModel.Create(YoloXPreset.Nano);
        LoadInto(model, stateFile);
        return model;
    }

    public static void LoadInto(nn.Module model, string stateFile)
    {
        var state = RawTensorFile.Read(File(stateFile)).ToStateDict();
        try
        {
            StateDict.Load(model, state);
        }
        finally
        {
            foreach (var t in state.Values)
                t.Dispose();
        }
    }

    /// <summary>The stored tensors of a file, by name (the caller disposes them).</summary>
    public static DisposableDictionary Tensors(string file) => new(RawTensorFile.Read(File(file)).ToStateDict());

    private static readonly Lazy<Dictionary<string, RawTensor>> Inputs = new(() => RawTensorFile.ReadMap(File("inputs.json")));

    /// <summary>Images <c>[2, 3, 320, 320]</c> float32 of iteration <paramref name="k"/> (stored as uint8).</summary>
    public static Tensor Images(int k)
    {
        using var all = Inputs.Value["images"].ToTensor();
        return all[k].to(ScalarType.Float32);
    }

    /// <summary>Targets <c>[2, 120, 5]</c> of iteration <paramref name="k"/>.</summary>
    public static Tensor Targets(int k)
    {
        using var all = Inputs.Value["targets"].ToTensor();
        return all[k].clone();
    }

    public static double Loss(int k, string term) => Iteration(k).GetProperty("loss").GetProperty(term).GetDouble();
}
