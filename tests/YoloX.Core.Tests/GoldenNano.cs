using TorchSharp;
using YoloX.Core.Weights;
using YoloX.Testing;
using static TorchSharp.torch;

namespace YoloX.Core.Tests;

/// <summary>The official YOLOX-Nano parity fixtures of ../shared/golden (see its README, section (c)).</summary>
internal static class GoldenNano
{
    private static readonly Lazy<IReadOnlyList<RawTensor>> Weights = new(() => RawTensorFile.Read(SharedAssets.Golden("nano_weights.json")));
    private static readonly Lazy<Dictionary<string, RawTensor>> Input = new(() => RawTensorFile.ReadMap(SharedAssets.Golden("nano_input.json")));
    private static readonly Lazy<Dictionary<string, RawTensor>> BnCal = new(() => RawTensorFile.ReadMap(SharedAssets.Golden("nano_bncal.json")));

    /// <summary>Nano with the official seed-0 weights (default init, BN running stats 0/1).</summary>
    public static YoloXModel DefaultInitModel()
    {
        var model = YoloXModel.Create(YoloXPreset.Nano);
        var sd = Weights.Value.ToStateDict();
        StateDict.Load(model, sd);
        Dispose(sd);
        return model;
    }

    /// <summary>Nano with the seed-0 weights and the BN-calibrated running statistics of <c>nano_bncal</c>.</summary>
    public static YoloXModel BnCalibratedModel()
    {
        var model = DefaultInitModel();
        var modelKeys = StateDict.Ordered(model).Select(kv => kv.Key).ToHashSet();
        var buffers = BnCal.Value.Values.ToStateDict(modelKeys.Contains);
        StateDict.Load(model, buffers, strict: false);
        Dispose(buffers);
        return model;
    }

    public static Tensor Images => Input.Value["images"].ToTensor();

    public static Tensor Targets => Input.Value["targets"].ToTensor();

    public static Tensor BnCal_(string name) => BnCal.Value[name].ToTensor();

    private static void Dispose(Dictionary<string, Tensor> sd)
    {
        foreach (var t in sd.Values)
        {
            t.Dispose();
        }
    }
}
