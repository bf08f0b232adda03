namespace YoloX.Core.Export.Emitters;

/// <summary>
/// Grid decoding in the graph: xy = (t_xy + grid)·stride, wh = exp(t_wh)·stride, rest unchanged. The grids are built
/// from the input's shape (H/s × W/s per level, row-major like the head's flattening), so the same nodes serve
/// fixed and dynamic input sizes; runtimes fold them to constants when the size is fixed.
/// </summary>
internal static class DecodeEmitter
{
    public static string Emit(OnnxGraphBuilder g, string images, string raw, IReadOnlyList<int> strides) =>
        g.InScope("decode", () =>
        {
            var shape = g.Node("Shape", [images]);
            var height = g.Node("Gather", [shape, g.Int64Scalar(2)], OnnxGraphBuilder.Attr("axis", 0L));
            var width = g.Node("Gather", [shape, g.Int64Scalar(3)], OnnxGraphBuilder.Attr("axis", 0L));
            var grids = new List<string>();
            var strideColumns = new List<string>();
            foreach (var stride in strides)
            {
                var (grid, strideColumn) = Level(g, height, width, stride);
                grids.Add(grid);
                strideColumns.Add(strideColumn);
            }
            var allGrids = g.Node("Concat", grids, OnnxGraphBuilder.Attr("axis", 0L));
            var allStrides = g.Node("Concat", strideColumns, OnnxGraphBuilder.Attr("axis", 0L));
            var xy = Slice(g, raw, 0, 2);
            var wh = Slice(g, raw, 2, 4);
            var rest = Slice(g, raw, 4, long.MaxValue);
            var xyDecoded = g.Node("Mul", [g.Node("Add", [xy, allGrids]), allStrides]);
            var whDecoded = g.Node("Mul", [g.Node("Exp", [wh]), allStrides]);
            return g.Node("Concat", [xyDecoded, whDecoded, rest], OnnxGraphBuilder.Attr("axis", 2L));
        });

    /// <summary>Slices the last axis of a [B, N, F] tensor.</summary>
    public static string Slice(OnnxGraphBuilder g, string input, long start, long end) =>
        g.Node("Slice", [input, g.Int64s(start), g.Int64s(end), g.Int64s(2)]);

    /// <summary>The level's grid [h·w, 2] (x, y) and stride column [h·w, 1], as float.</summary>
    private static (string Grid, string Stride) Level(OnnxGraphBuilder g, string height, string width, int stride)
    {
        var s = g.Int64Scalar(stride);
        var h = g.Node("Div", [height, s]);
        var w = g.Node("Div", [width, s]);
        var zero = g.Int64Scalar(0);
        var one = g.Int64Scalar(1);
        var ys = g.Node("Range", [zero, h, one]);
        var xs = g.Node("Range", [zero, w, one]);
        var hw = g.Node("Concat", [g.Node("Reshape", [h, g.Int64s(1)]), g.Node("Reshape", [w, g.Int64s(1)])], OnnxGraphBuilder.Attr("axis", 0L));
        var yy = g.Node("Expand", [g.Node("Reshape", [ys, g.Int64s(-1, 1)]), hw]);
        var xx = g.Node("Expand", [g.Node("Reshape", [xs, g.Int64s(1, -1)]), hw]);
        var column = g.Int64s(-1, 1);
        var grid = g.Node("Concat", [g.Node("Reshape", [xx, column]), g.Node("Reshape", [yy, column])], OnnxGraphBuilder.Attr("axis", 1L));
        var gridFloat = g.Node("Cast", [grid], OnnxGraphBuilder.Attr("to", (long)Onnx.TensorProto.Types.DataType.Float));
        // The stride column has the grid's row count: stride · (1 + 0·x) keeps it shape-derived without ConstantOfShape.
        var ones = g.Node("Slice", [gridFloat, g.Int64s(0), g.Int64s(1), g.Int64s(1)]);
        var strideColumn = g.Node("Mul", [g.Node("Add", [g.Node("Mul", [ones, g.SharedFloats([0f], 1)]), g.SharedFloats([1f], 1)]),
            g.SharedFloats([stride], 1)]);
        return (gridFloat, strideColumn);
    }
}
