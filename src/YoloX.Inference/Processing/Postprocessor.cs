using System.Buffers;

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
        PostprocessOptions options, IReadOnlyList<string> classNames) =>
        Run(output, classCount, grid, letterbox, options, classNames, out _);

    /// <summary>
    /// Decodes, filters and suppresses the boxes of one image, and counts the rows dropped because their box,
    /// objectness or best class score is NaN or infinite (a diverged model must not yield boxes at NaN).
    /// </summary>
    /// <param name="output">The head output of one image, N × (5 + C) floats, row-major.</param>
    /// <param name="classCount">C.</param>
    /// <param name="grid">The anchor grid when the output is raw (undecoded); <c>null</c> when boxes are already cx, cy, w, h in input pixels.</param>
    /// <param name="letterbox">How the image was placed on the input.</param>
    /// <param name="options">Thresholds and caps.</param>
    /// <param name="classNames">Names by class index (length C).</param>
    /// <param name="nonFiniteRows">Rows dropped for non-finite values.</param>
    public static List<Detection> Run(
        ReadOnlySpan<float> output, int classCount, AnchorGrid? grid, LetterboxInfo letterbox,
        PostprocessOptions options, IReadOnlyList<string> classNames, out int nonFiniteRows)
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
            var count = Collect(output, classCount, grid, options.Confidence, candidates, out nonFiniteRows);
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
        ReadOnlySpan<float> output, int classCount, AnchorGrid? grid, float confidence, Candidate[] candidates, out int nonFinite)
    {
        var width = 5 + classCount;
        var n = output.Length / width;
        var count = 0;
        nonFinite = 0;
        for (var i = 0; i < n; i++)
        {
            var row = output.Slice(i * width, width);
            var obj = row[4];
            if (!float.IsFinite(obj))
            {
                nonFinite++;
                continue;
            }
            // Class probabilities are ≤ 1, so obj × cls ≥ conf needs obj ≥ conf: skip the class scan early.
            if (!(obj >= confidence))
            {
                continue;
            }
            var best = IndexOfMaxFinite(row[5..]);
            if (best < 0)
            {
                nonFinite++;
                continue;
            }
            var score = obj * row[5 + best];
            if (!(score >= confidence))
            {
                continue;
            }
            var (cx, cy, w, h) = grid is null ? (row[0], row[1], row[2], row[3]) : GridDecoder.DecodeBox(grid, i, row[0], row[1], row[2], row[3]);
            if (!float.IsFinite(cx) || !float.IsFinite(cy) || !float.IsFinite(w) || !float.IsFinite(h) || !float.IsFinite(score))
            {
                nonFinite++; // e.g. exp() of a huge raw width: no box can be drawn or written for it
                continue;
            }
            candidates[count++] = new Candidate(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, score, best, i);
        }
        return count;
    }

    /// <summary>
    /// The index of the largest finite value, or −1 when there is none. (TensorPrimitives.IndexOfMax returns the
    /// index of a NaN when one is present, which would turn a single bad class into a lost detection.)
    /// </summary>
    private static int IndexOfMaxFinite(ReadOnlySpan<float> values)
    {
        var best = -1;
        var max = float.NegativeInfinity;
        for (var c = 0; c < values.Length; c++)
        {
            var v = values[c];
            if (float.IsFinite(v) && (best < 0 || v > max))
            {
                (best, max) = (c, v);
            }
        }
        return best;
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
