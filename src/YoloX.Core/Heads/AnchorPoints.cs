using TorchSharp;
using static TorchSharp.torch;
using YoloX.Core.Modules;

namespace YoloX.Core.Heads;

/// <summary>
/// The anchor points of YOLOX's anchor-free head: one per feature-map cell, ordered level-major, then row (y),
/// then column (x) — the order of the flattened head output.
/// </summary>
public static class AnchorPoints
{
    /// <summary>
    /// Builds the cell offsets and strides for feature maps of the given sizes.
    /// </summary>
    /// <param name="sizes">(height, width) of each level.</param>
    /// <param name="strides">Stride of each level in input pixels.</param>
    /// <param name="dtype">Element type of the results.</param>
    /// <param name="device">Device of the results.</param>
    /// <returns>
    /// <c>grid</c> <c>[1, N, 2]</c> with the (x, y) cell index of each anchor and <c>stride</c> <c>[1, N, 1]</c>.
    /// </returns>
    public static (Tensor Grid, Tensor Stride) Build(IReadOnlyList<(long Height, long Width)> sizes,
        IReadOnlyList<int> strides, ScalarType dtype, Device device)
    {
        if (sizes.Count != strides.Count)
        {
            throw new ArgumentException($"{sizes.Count} level sizes but {strides.Count} strides.", nameof(strides));
        }
        using var scope = torch.NewDisposeScope();
        var grids = new List<Tensor>(sizes.Count);
        var levelStrides = new List<Tensor>(sizes.Count);
        for (var k = 0; k < sizes.Count; k++)
        {
            var (h, w) = sizes[k];
            // Explicit Scalars, not arange(h) / full(…, stride): TorchSharp's temporaries can be finalized mid-call
            // (see CachedScalars); arange(stop) is arange(0, stop, 1) with the same integer types.
            using var height = h.ToScalar();
            using var width = w.ToScalar();
            using var levelStride = strides[k].ToScalar();
            var ys = torch.arange(CachedScalars.Zero, height, CachedScalars.One, dtype, device).view(-1, 1).expand(h, w);
            var xs = torch.arange(CachedScalars.Zero, width, CachedScalars.One, dtype, device).view(1, -1).expand(h, w);
            grids.Add(torch.stack([xs, ys], 2).reshape(1, -1, 2));
            levelStrides.Add(torch.full([1, h * w, 1], levelStride, dtype, device));
        }
        return (torch.cat(grids, 1).MoveToOuterDisposeScope(), torch.cat(levelStrides, 1).MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Decodes raw box regressions in place of a copy, as the official head does at inference:
    /// xy = (t_xy + grid)·stride, wh = exp(t_wh)·stride; the remaining channels are kept as they are.
    /// </summary>
    /// <param name="outputs"><c>[B, N, 4 + k]</c> with raw (tx, ty, tw, th) in the first four channels.</param>
    /// <param name="sizes">(height, width) of each level, in the order of the anchors.</param>
    /// <param name="strides">Stride of each level.</param>
    public static Tensor Decode(Tensor outputs, IReadOnlyList<(long Height, long Width)> sizes, IReadOnlyList<int> strides)
    {
        using var scope = torch.NewDisposeScope();
        var (grid, stride) = Build(sizes, strides, outputs.dtype, outputs.device);
        // add with a cached alpha, not "+": an implicit Scalar can be finalized mid-call (see CachedScalars).
        var xy = outputs[TensorIndex.Ellipsis, TensorIndex.Slice(0, 2)].add(grid, CachedScalars.One) * stride;
        var wh = torch.exp(outputs[TensorIndex.Ellipsis, TensorIndex.Slice(2, 4)]) * stride;
        var rest = outputs[TensorIndex.Ellipsis, TensorIndex.Slice(4, null)];
        return torch.cat([xy, wh, rest], -1).MoveToOuterDisposeScope();
    }
}
