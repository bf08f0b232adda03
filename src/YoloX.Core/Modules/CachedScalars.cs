using TorchSharp;

namespace YoloX.Core.Modules;

/// <summary>
/// Scalars held by static fields for the whole process. TorchSharp 0.107 creates a temporary <see cref="Scalar"/> for
/// every implicit conversion (including the <c>alpha = 1</c> behind <c>tensor + tensor</c>) and does not keep it alive
/// during the native call, so a garbage collection at the wrong moment finalizes it while libtorch reads it: runs
/// failed with "Expected false to be true … toFloat" (c10/core/Scalar.h) and "Unknown scalar type". A scalar reachable
/// from a static field can never be finalized, and reading one from several threads is safe.
/// </summary>
internal static class CachedScalars
{
    /// <summary>The integer 1, e.g. the <c>alpha</c> of an addition.</summary>
    public static Scalar One { get; } = 1.ToScalar();
}
