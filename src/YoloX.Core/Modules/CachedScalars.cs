using TorchSharp;

namespace YoloX.Core.Modules;

/// <summary>
/// Scalars held by static fields for the whole process, for Torch calls that run every training step or evaluation.
/// </summary>
/// <remarks>
/// <para>
/// TorchSharp 0.107 makes a finalizable <see cref="Scalar"/> for every implicit conversion of a number and does not
/// keep it alive during the native call (it passes <c>scalar.Handle</c> and never touches the object again), so a
/// garbage collection at that moment finalizes it while libtorch reads it: runs failed with "Unknown scalar type" and
/// "Expected false to be true … toFloat" (c10/core/Scalar.h). A Scalar reachable from a static field is never
/// finalized, and reading one from several threads is safe. A Scalar for a per-call value (a divisor, an option) is a
/// <c>using</c> local instead: its <c>Dispose</c> after the call keeps it alive until then.
/// </para>
/// <para>
/// Which TorchSharp 0.107 calls make temporary Scalars (its source, and a scan of the shipped TorchSharp.dll's IL for
/// number-to-Scalar conversions): every overload taking a <see cref="Scalar"/> that is given a number (<c>x + 1e-8</c>,
/// <c>x / 2</c>, <c>x * w</c>, <c>gt(0)</c>, <c>clamp_min(-100.0)</c>, <c>index_fill_(0, i, 1.0)</c>,
/// <c>torch.full(…, 8)</c>); and hidden ones: <c>add(Tensor)</c>, <c>add(Scalar)</c>, <c>add_(…)</c> and so the
/// operators <c>tensor + tensor</c> and <c>tensor + scalar</c> pass <c>alpha = 1</c>; <c>number − tensor</c> is
/// <c>negative().add(number)</c> (the same alpha); <c>square()</c> is <c>pow(2)</c>; <c>torch.arange(stop)</c> and
/// <c>arange(start, stop)</c> add <c>0</c> and <c>1</c>; <c>BatchNorm.forward</c> in training does
/// <c>num_batches_tracked.add_(1)</c>; <c>nn.LeakyReLU</c> passes its slope. Without Scalars: <c>tensor − tensor</c>,
/// <c>tensor * tensor</c>, <c>tensor / tensor</c> and the tensor comparisons (<c>sub</c>, <c>mul</c>, <c>div</c>,
/// <c>lt</c>… of a tensor have no alpha), and the calls given a Scalar that is kept alive. The safe spellings of the
/// additions are in <see cref="ScalarSafeTensorOps"/>; <see cref="BaseConv"/> runs the batch norm's training forward
/// and the LeakyReLU itself.
/// </para>
/// <para>
/// Integer constants are integer Scalars and real ones double Scalars, exactly the types the implicit conversions
/// made, so results stay bit-identical and an int64 tensor is not promoted to float.
/// </para>
/// </remarks>
internal static class CachedScalars
{
    /// <summary>The integer 0.</summary>
    public static Scalar Zero { get; } = 0.ToScalar();

    /// <summary>The integer 1, e.g. the <c>alpha</c> of an addition.</summary>
    public static Scalar One { get; } = 1.ToScalar();

    /// <summary>The integer 2.</summary>
    public static Scalar Two { get; } = 2.ToScalar();

    /// <summary>The double 0.0.</summary>
    public static Scalar ZeroReal { get; } = 0.0.ToScalar();

    /// <summary>The double 0.5.</summary>
    public static Scalar HalfReal { get; } = 0.5.ToScalar();

    /// <summary>The double 1.0.</summary>
    public static Scalar OneReal { get; } = 1.0.ToScalar();

    /// <summary>The double −1.0.</summary>
    public static Scalar MinusOneReal { get; } = (-1.0).ToScalar();
}
