using System.Text.Json;
using TorchSharp;
using YoloX.Core.Weights;
using YoloX.Testing;
using static TorchSharp.torch;

namespace YoloX.Core.Tests.Loss;

/// <summary>The train-mode Nano golden of the official code (golden README section (c) "Train mode").</summary>
internal static class NanoTrainGolden
{
    private static readonly Lazy<Dictionary<string, RawTensor>> Weights =
        new(() => RawTensorFile.ReadMap(SharedAssets.Golden("nano_weights.json")));

    private static readonly Lazy<Dictionary<string, RawTensor>> Input =
        new(() => RawTensorFile.ReadMap(SharedAssets.Golden("nano_input.json")));

    private static readonly Lazy<JsonDocument> Train =
        new(() => JsonDocument.Parse(File.ReadAllBytes(SharedAssets.Golden("nano_train.json"))));

    /// <summary>A Nano model with the golden weights, loaded fresh (a train forward moves the BN running stats), in train mode.</summary>
    public static YoloXModel CreateModel()
    {
        var model = YoloXModel.Create(YoloXPreset.Nano);
        using (var scope = torch.NewDisposeScope())
        {
            var dict = Weights.Value.ToDictionary(kv => kv.Key, kv => kv.Value.ToTensor(), StringComparer.Ordinal);
            StateDict.Load(model, dict);
        }
        model.train();
        return model;
    }

    public static Tensor Images() => Input.Value["images"].ToTensor();

    public static Tensor Targets() => Input.Value["targets"].ToTensor();

    /// <summary>The <c>use_l1_False</c> or <c>use_l1_True</c> entry of nano_train.json.</summary>
    public static JsonElement Case(bool useL1) => Train.Value.RootElement.GetProperty(useL1 ? "use_l1_True" : "use_l1_False");

    public static Dictionary<string, RawTensor> Gradients() => RawTensorFile.ReadMap(SharedAssets.Golden("nano_train_grads.json"));

    public static long[] Longs(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt64()).ToArray();

    public static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(x => x.GetDouble()).ToArray();
}
