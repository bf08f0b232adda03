using System.Buffers;
using System.Numerics.Tensors;

namespace YoloX.Inference.Processing;

/// <summary>
/// The official <c>postprocess</c> (yolox/utils/boxes.py) on one image's head output [N, 5 + C]: grid decoding when
/// the output is raw, score = objectness × best class probability, confidence filter (≥), NMS per class (torchvision
/// <c>batched_nms</c>: suppress IoU &gt; threshold) or across classes, cap, then boxes ÷ ratio, clipped to the image (optional).
/// </summary>
/// <remarks>Works on spans with pooled candidate buffers: the only allocations are the returned detections.</remarks>
public static class Postprocessor
{
    /// <summary>Decodes, filters and suppresses the boxes of one image.</summary>
    /// <param name="output">The head output of one image, N × (5 + C) floats, row-major.</param>
    /// <param name="classCount">C.</param>
    /// <param name="grid">The anchor grid when the output is raw (undecoded); <c>null</c> when boxes are already cx, cy, w, h in input pixels.</param>
    /// <param name="letterbox">How the image was placed on the input.</param>
    /// <param name="options">Thresholds and caps.</param>
    /// <param name="classNames">Names by class index (length C).</param>
    public static List<Detection> Run(
        ReadOnlySpan<float> output, int classCount, AnchorGrid? grid, LetterboxInfo letterbox,
        PostprocessOptions options, IReadOnlyList<string> classNames)
    {
        var width = 5 + classCount;
        var n = output.Length / width;
        if (n * width != output.Length || (grid is not null && grid.Count != n))
        {
            throw new ArgumentException($"The output holds {output.Length} floats, not N × {width} with N = {grid?.Count.ToString() ?? "any"}.", nameof(output));
        }
        var pool = ArrayPool<Candidate>.Shared;
        var candidates = pool.Rent(Math.Max(n, 1));
        try
        {
            var count = Collect(output, classCount, grid, options.Confidence, candidates);
            var span = candidates.AsSpan(0, count);
            span.Sort(default(ByScoreDescending));
            var kept = Suppress(span, options.Nms, options.ClassAgnostic, options.MaxDetections);
            return ToDetections(span[..kept], letterbox, classNames, options.ClipBoxes);
        }
        finally
        {
            pool.Return(candidates);
        }
    }

    private static int Collect(
        ReadOnlySpan<float> output, int classCount, AnchorGrid? grid, float confidence, Candidate[] candidates)
    {
        var width = 5 + classCount;
        var n = output.Length / width;
        var count = 0;
        for (var i = 0; i < n; i++)
        {
            var row = output.Slice(i * width, width);
            var obj = row[4];
            // Class probabilities are ≤ 1, so obj × cls ≥ conf needs obj ≥ conf: skip the class scan early.
            if (!(obj >= confidence))
            {
                continue;
            }
            var classes = row[5..];
            var best = TensorPrimitives.IndexOfMax(classes);
            var score = obj * classes[best];
            if (!(score >= confidence))
            {
                continue;
            }
            float cx = row[0], cy = row[1], w = row[2], h = row[3];
            if (grid is not null)
            {
                var s = grid.Stride[i];
                cx = (cx + grid.X[i]) * s;
                cy = (cy + grid.Y[i]) * s;
                w = MathF.Exp(w) * s;
                h = MathF.Exp(h) * s;
            }
            candidates[count++] = new Candidate(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, score, best, i);
        }
        return count;
    }

    /// <summary>Greedy NMS over score-sorted candidates; moves the kept ones to the front and returns their count.</summary>
    private static int Suppress(Span<Candidate> sorted, float iouThreshold, bool classAgnostic, int maxDetections)
    {
        var kept = 0;
        for (var i = 0; i < sorted.Length && kept < maxDetections; i++)
        {
            var c = sorted[i];
            var suppressed = false;
            for (var k = 0; k < kept; k++)
            {
                var other = sorted[k];
                if ((classAgnostic || other.ClassId == c.ClassId) && Iou(other, c) > iouThreshold)
                {
                    suppressed = true;
                    break;
                }
            }
            if (!suppressed)
            {
                sorted[kept++] = c;
            }
        }
        return kept;
    }

    /// <summary>IoU like torchvision: areas (x2 − x1)(y2 − y1), no +1.</summary>
    private static float Iou(in Candidate a, in Candidate b)
    {
        var iw = MathF.Min(a.X2, b.X2) - MathF.Max(a.X1, b.X1);
        var ih = MathF.Min(a.Y2, b.Y2) - MathF.Max(a.Y1, b.Y1);
        if (iw <= 0f || ih <= 0f)
        {
            return 0f;
        }
        var inter = iw * ih;
        var union = (a.X2 - a.X1) * (a.Y2 - a.Y1) + (b.X2 - b.X1) * (b.Y2 - b.Y1) - inter;
        return union > 0f ? inter / union : 0f;
    }

    private static List<Detection> ToDetections(ReadOnlySpan<Candidate> kept, LetterboxInfo letterbox, IReadOnlyList<string> classNames, bool clip)
    {
        var result = new List<Detection>(kept.Length);
        var r = (float)letterbox.Ratio;
        float maxX = letterbox.OriginalWidth, maxY = letterbox.OriginalHeight;
        if (!clip)
        {
            (maxX, maxY) = (float.PositiveInfinity, float.PositiveInfinity);
        }
        var minXY = clip ? 0f : float.NegativeInfinity;
        foreach (var c in kept)
        {
            var box = new BoundingBox(
                Math.Clamp(c.X1 / r, minXY, maxX), Math.Clamp(c.Y1 / r, minXY, maxY),
                Math.Clamp(c.X2 / r, minXY, maxX), Math.Clamp(c.Y2 / r, minXY, maxY));
            var name = c.ClassId < classNames.Count ? classNames[c.ClassId] : c.ClassId.ToString(System.Globalization.CultureInfo.InvariantCulture);
            result.Add(new Detection(box, c.Score, c.ClassId, name));
        }
        return result;
    }

    private readonly record struct Candidate(float X1, float Y1, float X2, float Y2, float Score, int ClassId, int Anchor);

    /// <summary>Descending score, then anchor order, so that ties are resolved the same way every run.</summary>
    private readonly struct ByScoreDescending : IComparer<Candidate>
    {
        public int Compare(Candidate x, Candidate y)
        {
            var byScore = y.Score.CompareTo(x.Score);
            return byScore != 0 ? byScore : x.Anchor.CompareTo(y.Anchor);
        }
    }
}
