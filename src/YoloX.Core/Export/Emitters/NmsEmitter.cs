using Onnx;

namespace YoloX.Core.Export.Emitters;

/// <summary>
/// NMS after decoding, matching the official <c>postprocess</c>: each box competes only in its best class with score
/// objectness × best class probability, suppressed per class (ONNX <c>NonMaxSuppression</c>). Output [K, 7]:
/// batch index, x1, y1, x2, y2 (input pixels), score, class.
/// </summary>
internal static class NmsEmitter
{
    public static string Emit(OnnxGraphBuilder g, string decoded, OnnxExportOptions options) =>
        g.InScope("nms", () =>
        {
            var center = DecodeEmitter.Slice(g, decoded, 0, 2);
            var halfSize = g.Node("Mul", [DecodeEmitter.Slice(g, decoded, 2, 4), g.SharedFloats([0.5f], 1)]);
            var boxes = g.Node("Concat", [g.Node("Sub", [center, halfSize]), g.Node("Add", [center, halfSize])], OnnxGraphBuilder.Attr("axis", 2L));
            var objectness = DecodeEmitter.Slice(g, decoded, 4, 5);
            var classes = DecodeEmitter.Slice(g, decoded, 5, long.MaxValue);
            var best = g.Node("ReduceMax", [classes], OnnxGraphBuilder.Attr("axes", new long[] { 2 }), OnnxGraphBuilder.Attr("keepdims", 1L));
            var isBest = g.Node("Cast", [g.Node("Equal", [classes, best])], OnnxGraphBuilder.Attr("to", (long)TensorProto.Types.DataType.Float));
            var scores = g.Node("Mul", [g.Node("Mul", [classes, isBest]), objectness]);
            var scoresByClass = g.Node("Transpose", [scores], OnnxGraphBuilder.Attr("perm", 0L, 2L, 1L));
            var selected = g.Node("NonMaxSuppression",
                [boxes, scoresByClass, g.Int64s(options.MaxDetections), g.SharedFloats([options.NmsIouThreshold], 1),
                 g.SharedFloats([options.NmsScoreThreshold], 1)]);
            var batchIndex = Column(g, selected, 0, 1);
            var classIndex = Column(g, selected, 1, 2);
            var boxIndex = Column(g, selected, 2, 3);
            var keptBoxes = g.Node("GatherND", [boxes, g.Node("Concat", [batchIndex, boxIndex], OnnxGraphBuilder.Attr("axis", 1L))]);
            var keptScores = g.Node("Reshape", [g.Node("GatherND", [scoresByClass, selected]), g.Int64s(-1, 1)]);
            var toFloat = OnnxGraphBuilder.Attr("to", (long)TensorProto.Types.DataType.Float);
            return g.Node("Concat",
                [g.Node("Cast", [batchIndex], toFloat), keptBoxes, keptScores, g.Node("Cast", [classIndex], toFloat)],
                OnnxGraphBuilder.Attr("axis", 1L));
        });

    private static string Column(OnnxGraphBuilder g, string input, long start, long end) =>
        g.Node("Slice", [input, g.Int64s(start), g.Int64s(end), g.Int64s(1)]);
}
