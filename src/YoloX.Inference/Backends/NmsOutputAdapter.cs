namespace YoloX.Inference.Backends;

/// <summary>
/// Turns the <c>[K, 7]</c> output of an export with NMS in the graph (batch index, x1, y1, x2, y2, score, class) into
/// the decoded dense layout every backend returns, so the same <c>Detect</c> path runs it: per image up to
/// <c>rows</c> rows of (cx, cy, w, h, objectness 1, class probabilities with the score at the class, 0 elsewhere),
/// highest scores first, the rest zero (score 0, dropped by the confidence filter). The postprocessor's own NMS then
/// keeps them all (the graph already suppressed them) unless its thresholds are stricter.
/// </summary>
internal static class NmsOutputAdapter
{
    public static void Scatter(ReadOnlySpan<float> detections, int batchSize, int rows, int classCount, Span<float> output)
    {
        var width = 5 + classCount;
        output[..(batchSize * rows * width)].Clear();
        var count = detections.Length / 7;
        var order = new int[count];
        for (var i = 0; i < count; i++)
        {
            order[i] = i;
        }
        var scores = new float[count];
        for (var i = 0; i < count; i++)
        {
            scores[i] = detections[i * 7 + 5];
        }
        // Stable by score, descending, so images over the row cap keep their best boxes.
        Array.Sort(order, (a, b) => scores[b].CompareTo(scores[a]) is var c && c != 0 ? c : a.CompareTo(b));
        var filled = new int[batchSize];
        foreach (var i in order)
        {
            var d = detections.Slice(i * 7, 7);
            var image = (int)d[0];
            var cls = (int)d[6];
            if (image < 0 || image >= batchSize || cls < 0 || cls >= classCount || filled[image] >= rows || !float.IsFinite(d[5]))
            {
                continue;
            }
            var row = output.Slice((image * rows + filled[image]++) * width, width);
            row[0] = (d[1] + d[3]) / 2;
            row[1] = (d[2] + d[4]) / 2;
            row[2] = d[3] - d[1];
            row[3] = d[4] - d[2];
            row[4] = 1f;
            row[5 + cls] = d[5];
        }
    }
}
