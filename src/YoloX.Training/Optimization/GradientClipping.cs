using TorchSharp;
using static TorchSharp.torch;

namespace YoloX.Training.Optimization;

/// <summary>Global gradient-norm measurement and clipping (PyTorch's <c>clip_grad_norm_</c> semantics).</summary>
public static class GradientClipping
{
    /// <summary>The global L2 norm of the gradients (parameters without a gradient are skipped), computed in float64.</summary>
    public static double GlobalNorm(IEnumerable<Tensor> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        using var scope = torch.NewDisposeScope();
        // pow(2), which square() is, with an explicit exponent: square() makes an implicit Scalar per gradient, which
        // can be finalized while libtorch reads it (see ModelEma.Update).
        using var two = 2.ToScalar();
        // One host read for all gradients, not one per parameter (each item() waits for the value).
        var squares = parameters.Where(p => p.grad is not null)
            .Select(p => p.grad!.detach().to(ScalarType.Float64).pow(two).sum())
            .ToArray();
        return squares.Length == 0 ? 0 : Math.Sqrt(torch.stack(squares).sum().item<double>());
    }

    /// <summary>
    /// Scales every gradient by <c>min(1, maxNorm / (norm + 1e-6))</c> so the global L2 norm is at most
    /// <paramref name="maxNorm"/>; returns the norm before clipping (NaN/∞ when a gradient is not finite: then nothing
    /// is scaled and the caller should skip the step).
    /// </summary>
    public static double ClipGlobalNorm(IReadOnlyList<Tensor> parameters, double maxNorm)
    {
        if (!(maxNorm > 0) || !double.IsFinite(maxNorm))
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "The clipping norm must be positive and finite.");
        var norm = GlobalNorm(parameters);
        if (!double.IsFinite(norm))
            return norm;
        var coefficient = maxNorm / (norm + 1e-6);
        if (coefficient < 1)
        {
            using var noGrad = torch.no_grad();
            using var scale = coefficient.ToScalar(); // explicit: an implicit Scalar can be finalized mid-call
            foreach (var p in parameters)
                p.grad?.mul_(scale);
        }
        return norm;
    }
}
