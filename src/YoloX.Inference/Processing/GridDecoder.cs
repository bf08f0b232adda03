namespace YoloX.Inference.Processing;

/// <summary>
/// The official <c>YOLOXHead.decode_outputs</c> on raw head rows: cx = (dx + gx)·s, cy = (dy + gy)·s,
/// w = exp(dw)·s, h = exp(dh)·s; objectness and class probabilities are copied unchanged.
/// </summary>
public static class GridDecoder
{
    /// <summary>Decodes the rows of one or more images (N × (5 + C) each) from <paramref name="raw"/> into <paramref name="decoded"/>.</summary>
    public static void Decode(ReadOnlySpan<float> raw, int classCount, AnchorGrid grid, Span<float> decoded)
    {
        ArgumentNullException.ThrowIfNull(grid);
        var width = 5 + classCount;
        if (raw.Length % (grid.Count * width) != 0 || decoded.Length < raw.Length)
        {
            throw new ArgumentException($"The raw output ({raw.Length} floats) is not a whole number of images of {grid.Count} × {width}.", nameof(raw));
        }
        raw.CopyTo(decoded);
        for (var row = 0; row < raw.Length / width; row++)
        {
            var i = row % grid.Count;
            var s = grid.Stride[i];
            var r = decoded.Slice(row * width, 4);
            r[0] = (r[0] + grid.X[i]) * s;
            r[1] = (r[1] + grid.Y[i]) * s;
            r[2] = MathF.Exp(r[2]) * s;
            r[3] = MathF.Exp(r[3]) * s;
        }
    }
}
