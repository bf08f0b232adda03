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
    /// <summary>The LeakyReLU slope of the Darknet53 (YOLOv3) model.</summary>
    internal const double LeakySlope = 0.1;

    /// <summary><see cref="LeakySlope"/> as a process-lifetime Scalar (see <see cref="CachedScalars"/>).</summary>
    internal static Scalar LeakySlopeScalar { get; } = LeakySlope.ToScalar();

    /// <summary>A new module computing <paramref name="kind"/>.</summary>
    public static nn.Module<Tensor, Tensor> Create(Activation kind) => kind switch
    {
        Activation.SiLU => nn.SiLU(),
        Activation.ReLU => nn.ReLU(),
        Activation.LeakyReLU => nn.LeakyReLU(LeakySlope),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown activation."),
    };
}
