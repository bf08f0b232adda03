using TorchSharp;
using TorchSharp.Modules;
using YoloX.Core;
using static TorchSharp.torch;

namespace YoloX.Inference.Tests.Export;

/// <summary>Random-weight models and fixed inputs for export parity tests (no official weights exist for most presets here).</summary>
internal static class ExportTestModels
{
    /// <summary>
    /// The preset's model in eval mode with seeded random batch-norm statistics and affine parameters, so that folding
    /// the batch norms on export is really exercised (fresh ones are the identity up to ε).
    /// </summary>
    public static YoloXModel Random(YoloXPreset preset, int numClasses = 80, long seed = 0, int inputSize = 256)
    {
        torch.manual_seed(seed);
        var model = YoloXModel.Create(YoloXConfig.FromPreset(preset, numClasses) with { InputSize = inputSize });
        using (torch.no_grad())
        {
            foreach (var bn in model.modules().OfType<BatchNorm2d>())
            {
                var c = bn.running_mean!.shape[0];
                bn.running_mean!.copy_(torch.randn(c) * 0.1);
                bn.running_var!.copy_(torch.rand(c) + 0.5);
                bn.weight!.copy_(torch.rand(c) + 0.5);
                bn.bias!.copy_(torch.randn(c) * 0.1);
            }
        }
        model.eval();
        return model;
    }

    /// <summary>A fixed input batch of pixel-like values in [0, 255).</summary>
    public static Tensor Images(int batch, int size, long seed = 1)
    {
        torch.manual_seed(seed);
        return torch.rand(batch, 3, size, size) * 255f;
    }

    /// <summary>The model's inference output, raw or decoded, computed in the model's dtype (the images are converted to it).</summary>
    public static float[] Forward(YoloXModel model, Tensor images, bool decode)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        model.Head.DecodeInInference = decode;
        var dtype = model.parameters().First().dtype;
        var output = model.call(images.to_type(dtype));
        return output.to_type(ScalarType.Float64).contiguous().data<double>().ToArray().Select(v => (float)v).ToArray();
    }

    /// <summary>The raw output and its decoding by <see cref="YoloX.Core.Heads.AnchorPoints"/> (the head's own decode), from one forward.</summary>
    public static (float[] Raw, float[] Decoded) ForwardRawAndDecoded(YoloXModel model, Tensor images)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        model.Head.DecodeInInference = false;
        var dtype = model.parameters().First().dtype;
        var raw = model.call(images.to_type(dtype));
        var sizes = model.Config.Strides.Select(s => (images.shape[2] / s, images.shape[3] / s)).ToArray();
        var decoded = YoloX.Core.Heads.AnchorPoints.Decode(raw, sizes, model.Config.Strides);
        return (ToFloats(raw), ToFloats(decoded));
    }

    private static float[] ToFloats(Tensor t) =>
        t.to_type(ScalarType.Float64).contiguous().data<double>().ToArray().Select(v => (float)v).ToArray();

    /// <summary>
    /// Converts the model to float64, the reference for parity: on this CPU (AMD EPYC, AVX-512) libtorch's oneDNN
    /// computes some float32 convolutions wrongly (Tiny's 24→48 stride-2 convolution: errors up to 1.7 and NaN, varying
    /// from run to run; see NmsExportTests), while ONNX Runtime's float32 stays within ~1e-6 of
    /// float64, so a float32 Torch reference would test libtorch rather than the export.
    /// </summary>
    public static YoloXModel ToFloat64(YoloXModel model)
    {
        model.to(ScalarType.Float64);
        return model;
    }

    public static float[] Data(Tensor t) => t.contiguous().data<float>().ToArray();
}
