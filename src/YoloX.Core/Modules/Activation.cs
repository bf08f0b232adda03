using TorchSharp;
using static TorchSharp.torch;

namespace YoloX.Core.Modules;

/// <summary>The activations the official YOLOX blocks use (<c>get_activation</c>).</summary>
public enum Activation
{
    /// <summary>SiLU (x·sigmoid(x)), the default of every YOLOX-* model.</summary>
    SiLU,

    /// <summary>ReLU.</summary>
    ReLU,

    /// <summary>LeakyReLU with slope 0.1, used by the Darknet53 (YOLOv3) model.</summary>
    LeakyReLU,
}

/// <summary>Creates activation modules by kind.</summary>
public static class Activations
{
    /// <summary>A new module computing <paramref name="kind"/>.</summary>
    public static nn.Module<Tensor, Tensor> Create(Activation kind) => kind switch
    {
        Activation.SiLU => nn.SiLU(),
        Activation.ReLU => nn.ReLU(),
        Activation.LeakyReLU => nn.LeakyReLU(0.1),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown activation."),
    };
}
