using TorchSharp;
using static TorchSharp.torch;

namespace YoloX.Core.Modules;

/// <summary>
/// The additions TorchSharp 0.107 spells with a hidden temporary <c>alpha</c> Scalar (<c>a + b</c>, <c>a + s</c>,
/// <c>s − a</c>), written with <see cref="CachedScalars.One"/> instead: the same native calls with the same values, so
/// results are bit-identical (see <see cref="CachedScalars"/> for why the temporary is a hazard).
/// </summary>
internal static class ScalarSafeTensorOps
{
    /// <summary><c>a + b</c> (<c>add(b, alpha: 1)</c>).</summary>
    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, CachedScalars.One);

    /// <summary><c>a + s</c> (<c>add(s, alpha: 1)</c>); <paramref name="s"/> must outlive the call (static or <c>using</c>).</summary>
    public static Tensor Plus(this Tensor a, Scalar s) => a.add(s, CachedScalars.One);

    /// <summary><c>s − a</c>, computed as TorchSharp's operator does: <c>(−a) + s</c>.</summary>
    public static Tensor SubtractedFrom(this Tensor a, Scalar s) => a.negative().add(s, CachedScalars.One);
}
