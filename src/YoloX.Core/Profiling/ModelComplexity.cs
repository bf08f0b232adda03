namespace YoloX.Core.Profiling;

/// <summary>
/// Parameter and operation counts of a model for one image of <see cref="InputHeight"/>×<see cref="InputWidth"/>,
/// counted the way the official <c>yolox.utils.get_model_info</c> counts them (thop of mid-2021): per convolution
/// output element Cin/groups·kh·kw multiply-accumulates plus one bias add, two operations per batch-norm element and
/// one per LeakyReLU element; SiLU, sigmoid, upsampling, pooling and the decode count nothing. FLOPs = 2 × that sum.
/// </summary>
/// <param name="Parameters">Trainable and frozen parameters (buffers excluded).</param>
/// <param name="InputHeight">Input height in pixels.</param>
/// <param name="InputWidth">Input width in pixels.</param>
/// <param name="ConvMacs">Σ over convolutions of output elements · Cin/groups · kh · kw.</param>
/// <param name="ConvBiasAdds">Σ over convolutions with a bias of their output elements.</param>
/// <param name="BatchNormElements">Σ over batch norms of their input elements.</param>
/// <param name="LeakyReluElements">Σ over LeakyReLU activations of their input elements.</param>
public sealed record ModelComplexity(long Parameters, int InputHeight, int InputWidth, long ConvMacs, long ConvBiasAdds,
    long BatchNormElements, long LeakyReluElements)
{
    /// <summary>The official GFLOPs: 2 · (conv MACs + bias adds + 2 · BN elements + LeakyReLU elements) / 1e9.</summary>
    public double GFlops => 2.0 * (ConvMacs + ConvBiasAdds + 2 * BatchNormElements + LeakyReluElements) / 1e9;

    /// <summary>2 × the convolution multiply-accumulates alone, in G (0.2–3.3 % below <see cref="GFlops"/> for the presets).</summary>
    public double ConvGFlops => 2.0 * ConvMacs / 1e9;

    /// <summary>Parameters in millions.</summary>
    public double ParametersM => Parameters / 1e6;
}
