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
            var r = decoded.Slice(row * width, 4);
            (r[0], r[1], r[2], r[3]) = DecodeBox(grid, row % grid.Count, r[0], r[1], r[2], r[3]);
        }
    }

    /// <summary>
    /// Decodes the raw box of anchor <paramref name="anchor"/> into cx, cy, w, h in input pixels. The detector's
    /// post-processor calls this for every candidate row, so the golden decode test checks the code that runs.
    /// </summary>
    public static (float Cx, float Cy, float W, float H) DecodeBox(AnchorGrid grid, int anchor, float dx, float dy, float dw, float dh)
    {
        var s = grid.Stride[anchor];
        return ((dx + grid.X[anchor]) * s, (dy + grid.Y[anchor]) * s, MathF.Exp(dw) * s, MathF.Exp(dh) * s);
    }
}
