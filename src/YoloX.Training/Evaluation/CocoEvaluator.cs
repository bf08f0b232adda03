namespace YoloX.Training.Evaluation;

/// <summary>
/// COCO bbox evaluation that reproduces pycocotools' <c>COCOeval</c> (evaluate → accumulate → summarize) number for
/// number: the same greedy matching, crowd and ignore rules, stable score ordering, per-image detection limits and
/// 101-point interpolated precision.
/// </summary>
/// <remarks>
/// The work is organised per category, which is independent in COCOeval, so categories run in parallel.
/// Within a category, every (image, category) pair is matched once per area range at the largest max-detections
/// value (as COCOeval does), and the cumulative precision/recall curves are built from compact per-detection flags.
/// Detections ignored by the protocol are dropped from the curves; this gives exactly COCOeval's interpolated values
/// because an ignored entry repeats the precision and recall of the entry before it.
/// </remarks>
public sealed class CocoEvaluator
{
    private const double Epsilon = 2.220446049250313e-16; // np.spacing(1)
    private const byte FalsePositive = 0;
    private const byte TruePositive = 1;
    private const byte Ignored = 2;

    private readonly int _maxDegreeOfParallelism;

    /// <summary>Creates an evaluator.</summary>
    /// <param name="parameters">Evaluation settings; pycocotools' defaults when null.</param>
    /// <param name="maxDegreeOfParallelism">Categories evaluated at once; -1 uses every core.</param>
    public CocoEvaluator(CocoEvaluationParameters? parameters = null, int maxDegreeOfParallelism = -1)
    {
        Parameters = parameters ?? CocoEvaluationParameters.Default;
        _maxDegreeOfParallelism = maxDegreeOfParallelism;
    }

    /// <summary>The settings in use.</summary>
    public CocoEvaluationParameters Parameters { get; }

    /// <summary>Evaluates detections against ground truth.</summary>
    /// <param name="imageIds">Every image of the ground-truth set (images without boxes count too).</param>
    /// <param name="categories">Every category of the ground-truth set.</param>
    /// <param name="groundTruths">Ground-truth boxes.</param>
    /// <param name="detections">Detections; those of categories not listed are ignored, as in pycocotools.</param>
    /// <param name="cancellationToken">Stops the evaluation between categories.</param>
    /// <exception cref="ArgumentException">A detection refers to an image that is not in <paramref name="imageIds"/>.</exception>
    public CocoEvaluationResult Evaluate(
        IReadOnlyCollection<long> imageIds, IReadOnlyCollection<CocoCategory> categories,
        IReadOnlyList<CocoGroundTruth> groundTruths, IReadOnlyList<CocoDetection> detections,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(imageIds);
        ArgumentNullException.ThrowIfNull(categories);
        ArgumentNullException.ThrowIfNull(groundTruths);
        ArgumentNullException.ThrowIfNull(detections);

        var images = imageIds.Distinct().Order().ToArray();
        var cats = categories.DistinctBy(c => c.Id).OrderBy(c => c.Id).ToArray();
        var imageIndex = new Dictionary<long, int>(images.Length);
        for (var i = 0; i < images.Length; i++)
        {
            imageIndex[images[i]] = i;
        }
        var categoryIndex = new Dictionary<long, int>(cats.Length);
        for (var k = 0; k < cats.Length; k++)
        {
            categoryIndex[cats[k].Id] = k;
        }

        // Arrays (not interface indexers) in the hot loops: the records are read by reference.
        var gtArray = groundTruths as CocoGroundTruth[] ?? [.. groundTruths];
        var dtArray = detections as CocoDetection[] ?? [.. detections];
        var gtGroups = Grouping.Build(gtArray.Length, i => (gtArray[i].ImageId, gtArray[i].CategoryId),
            imageIndex, categoryIndex, images.Length, cats.Length, throwOnUnknownImage: false, "ground truth");
        var dtGroups = Grouping.Build(dtArray.Length, i => (dtArray[i].ImageId, dtArray[i].CategoryId),
            imageIndex, categoryIndex, images.Length, cats.Length, throwOnUnknownImage: true, "detection");

        var accumulator = new Accumulation(Parameters, cats.Length);
        var options = new ParallelOptions
        {
            MaxDegreeOfParallelism = _maxDegreeOfParallelism,
            CancellationToken = cancellationToken,
        };
        Parallel.For(0, cats.Length, options, () => new Workspace(),
            (k, _, workspace) =>
            {
                var state = new CategoryEvaluation(Parameters, k, gtArray, dtArray, gtGroups, dtGroups, workspace);
                state.Run();
                accumulator.Accumulate(k, state);
                return workspace;
            },
            _ => { });

        return new CocoEvaluationResult(Parameters, cats, images.Length, accumulator.Precision, accumulator.Recall);
    }

    /// <summary>Items bucketed by (category, image), keeping their input order inside each bucket.</summary>
    private sealed class Grouping
    {
        private Grouping(int[] order, long[] keys, int[] categoryStart)
        {
            Order = order;
            Keys = keys;
            CategoryStart = categoryStart;
        }

        /// <summary>Input indices sorted by (category, image, input position).</summary>
        public int[] Order { get; }

        /// <summary>Bucket key (category·I + image) of each entry of <see cref="Order"/>.</summary>
        public long[] Keys { get; }

        /// <summary>Start of each category's run in <see cref="Order"/> (K + 1 entries).</summary>
        public int[] CategoryStart { get; }

        public static Grouping Build(
            int count, Func<int, (long Image, long Category)> idsOf, Dictionary<long, int> imageIndex,
            Dictionary<long, int> categoryIndex, int imageCount, int categoryCount, bool throwOnUnknownImage, string what)
        {
            var composite = new List<long>(count);
            var indices = new List<int>(count);
            for (var n = 0; n < count; n++)
            {
                var (image, category) = idsOf(n);
                if (!imageIndex.TryGetValue(image, out var i))
                {
                    if (throwOnUnknownImage)
                    {
                        throw new ArgumentException(
                            $"A {what} refers to image id {image}, which is not in the ground-truth image set.");
                    }
                    continue;
                }
                if (!categoryIndex.TryGetValue(category, out var k))
                {
                    continue;
                }
                composite.Add((long)k * imageCount + i);
                indices.Add(n);
            }

            // Sort by bucket key, ties by input position: a stable grouping like pycocotools' defaultdict lists.
            // Bucket and position packed into one long make every key unique, so a plain (fast) sort is stable.
            var keys = composite.ToArray();
            var order = indices.ToArray();
            var stride = (long)count + 1;
            if ((long)categoryCount * imageCount > long.MaxValue / stride)
            {
                throw new ArgumentException("Too many images × categories × boxes to index.");
            }
            var packed = new long[keys.Length];
            for (var n = 0; n < keys.Length; n++)
            {
                packed[n] = keys[n] * stride + order[n];
            }
            Array.Sort(packed);
            for (var n = 0; n < keys.Length; n++)
            {
                keys[n] = packed[n] / stride;
                order[n] = (int)(packed[n] % stride);
            }

            var categoryStart = new int[categoryCount + 1];
            var position = 0;
            for (var k = 0; k <= categoryCount; k++)
            {
                var limit = (long)k * imageCount;
                while (position < keys.Length && keys[position] < limit)
                {
                    position++;
                }
                categoryStart[k] = position;
            }
            return new Grouping(order, keys, categoryStart);
        }
    }

    /// <summary>Reusable per-thread scratch buffers for one (image, category) pair.</summary>
    private sealed class Workspace
    {
        public double[] Ious = new double[256];
        public int[] DetectionOrder = new int[128];
        public int[] GroundTruthOrder = new int[64];
        public bool[] GroundTruthIgnore = new bool[64];
        public bool[] GroundTruthMatched = new bool[64];
        public int[] Selection = new int[1024];
        public int[] Ranked = new int[1024];
        public double[] Recall = new double[1024];
        public double[] Precision = new double[1024];

        public static T[] Ensure<T>(ref T[] buffer, int size)
        {
            if (buffer.Length < size)
            {
                buffer = new T[Math.Max(size, buffer.Length * 2)];
            }
            return buffer;
        }
    }

    /// <summary>evaluate() for one category: per-image matching over every area range.</summary>
    private sealed class CategoryEvaluation(
        CocoEvaluationParameters parameters, int category, CocoGroundTruth[] groundTruths,
        CocoDetection[] detections, Grouping gtGroups, Grouping dtGroups, Workspace workspace)
    {
        private readonly int _areaCount = parameters.AreaRanges.Count;
        private readonly int _thresholdCount = parameters.IouThresholds.Count;

        /// <summary>The per-pair detection limit used for matching (the largest maxDets).</summary>
        public int MaxDetectionsPerPair => parameters.MaxDetections[^1];

        /// <summary>Workspace of the thread that runs this category (also used by the accumulation).</summary>
        public Workspace Workspace => workspace;

        /// <summary>Detection scores of all evaluated pairs, pairs in image order, each sorted by score.</summary>
        public double[] Scores { get; private set; } = [];

        /// <summary>Each stored detection's rank within its (image, category) pair (0 = best score).</summary>
        public int[] Rank { get; private set; } = [];

        /// <summary>Detections stored so far in <see cref="Scores"/> and <see cref="Flags"/>.</summary>
        public int Count { get; private set; }

        /// <summary>Start of each evaluated pair in <see cref="Scores"/>, plus a final end marker.</summary>
        public List<int> PairStart { get; } = [0];

        /// <summary>Per (area, threshold): one flag per detection in <see cref="Scores"/> order.</summary>
        public byte[][] Flags { get; private set; } = [];

        /// <summary>Non-ignored ground truths per area range.</summary>
        public int[] CountedGroundTruths { get; private set; } = [];

        public void Run()
        {
            // Exact capacity: each (image, category) pair keeps at most maxDets[-1] detections.
            var capacity = 0;
            for (int n = dtGroups.CategoryStart[category], end = dtGroups.CategoryStart[category + 1]; n < end;)
            {
                var run = n;
                while (run < end && dtGroups.Keys[run] == dtGroups.Keys[n])
                {
                    run++;
                }
                capacity += Math.Min(run - n, parameters.MaxDetections[^1]);
                n = run;
            }
            Scores = new double[capacity];
            Rank = new int[capacity];
            Flags = new byte[_areaCount * _thresholdCount][];
            for (var n = 0; n < Flags.Length; n++)
            {
                Flags[n] = new byte[capacity];
            }
            CountedGroundTruths = new int[_areaCount];

            int g = gtGroups.CategoryStart[category], gEnd = gtGroups.CategoryStart[category + 1];
            int d = dtGroups.CategoryStart[category], dEnd = dtGroups.CategoryStart[category + 1];
            while (g < gEnd || d < dEnd)
            {
                var key = Math.Min(g < gEnd ? gtGroups.Keys[g] : long.MaxValue, d < dEnd ? dtGroups.Keys[d] : long.MaxValue);
                var gStart = g;
                while (g < gEnd && gtGroups.Keys[g] == key)
                {
                    g++;
                }
                var dStart = d;
                while (d < dEnd && dtGroups.Keys[d] == key)
                {
                    d++;
                }
                EvaluatePair(gtGroups.Order.AsSpan(gStart, g - gStart), dtGroups.Order.AsSpan(dStart, d - dStart));
            }
        }

        private void EvaluatePair(ReadOnlySpan<int> gts, ReadOnlySpan<int> dtsInInputOrder)
        {
            var dts = SortDetections(dtsInInputOrder);
            var gCount = gts.Length;
            var dCount = dts.Length;
            var ious = Workspace.Ensure(ref workspace.Ious, gCount * dCount);
            ComputeIous(gts, dts, ious);

            var first = Count;
            foreach (var dt in dts)
            {
                Rank[Count] = Count - first;
                Scores[Count++] = detections[dt].Score;
            }
            PairStart.Add(Count);

            var gtOrder = Workspace.Ensure(ref workspace.GroundTruthOrder, gCount);
            var gtIgnore = Workspace.Ensure(ref workspace.GroundTruthIgnore, gCount);
            var gtMatched = Workspace.Ensure(ref workspace.GroundTruthMatched, gCount);
            for (var a = 0; a < _areaCount; a++)
            {
                var range = parameters.AreaRanges[a];
                CountedGroundTruths[a] += OrderGroundTruths(gts, range, gtOrder, gtIgnore);
                for (var t = 0; t < _thresholdCount; t++)
                {
                    Array.Clear(gtMatched, 0, gCount);
                    Match(gts, dts, ious, gtOrder, gtIgnore, gtMatched, parameters.IouThresholds[t], range,
                        Flags[a * _thresholdCount + t].AsSpan(first, dCount));
                }
            }
        }

        /// <summary>Detections by descending score, ties in input order (numpy mergesort), cut to the largest maxDets.</summary>
        private ReadOnlySpan<int> SortDetections(ReadOnlySpan<int> dts)
        {
            var order = Workspace.Ensure(ref workspace.DetectionOrder, dts.Length);
            dts.CopyTo(order);
            var span = order.AsSpan(0, dts.Length);
            // Input positions are unique, so comparing them makes the unstable sort behave like a stable one.
            span.Sort((x, y) =>
            {
                var byScore = detections[y].Score.CompareTo(detections[x].Score);
                return byScore != 0 ? byScore : x.CompareTo(y);
            });
            return span[..Math.Min(span.Length, parameters.MaxDetections[^1])];
        }

        /// <summary>IoU like pycocotools' <c>bbIou</c> (maskApi.c), same operation order; crowd IoU = inter / det area.</summary>
        private void ComputeIous(ReadOnlySpan<int> gts, ReadOnlySpan<int> dts, double[] ious)
        {
            var gCount = gts.Length;
            for (var j = 0; j < gCount; j++)
            {
                ref readonly var gt = ref groundTruths[gts[j]];
                var gtArea = gt.Width * gt.Height;
                for (var i = 0; i < dts.Length; i++)
                {
                    ref readonly var dt = ref detections[dts[i]];
                    var dtArea = dt.Width * dt.Height;
                    double value = 0;
                    var w = Math.Min(dt.Width + dt.X, gt.Width + gt.X) - Math.Max(dt.X, gt.X);
                    if (w > 0)
                    {
                        var h = Math.Min(dt.Height + dt.Y, gt.Height + gt.Y) - Math.Max(dt.Y, gt.Y);
                        if (h > 0)
                        {
                            var inter = w * h;
                            var union = gt.IsCrowd ? dtArea : dtArea + gtArea - inter;
                            value = inter / union;
                        }
                    }
                    ious[i * gCount + j] = value;
                }
            }
        }

        /// <summary>Puts non-ignored ground truths first (stable), returns how many are not ignored.</summary>
        private int OrderGroundTruths(ReadOnlySpan<int> gts, CocoAreaRange range, int[] gtOrder, bool[] gtIgnore)
        {
            var counted = 0;
            for (var j = 0; j < gts.Length; j++)
            {
                ref readonly var gt = ref groundTruths[gts[j]];
                if (!(gt.IsCrowd || gt.Ignore || range.Excludes(gt.Area)))
                {
                    gtOrder[counted++] = j;
                }
            }
            var next = counted;
            for (var j = 0; j < gts.Length; j++)
            {
                ref readonly var gt = ref groundTruths[gts[j]];
                if (gt.IsCrowd || gt.Ignore || range.Excludes(gt.Area))
                {
                    gtOrder[next++] = j;
                }
            }
            for (var n = 0; n < gts.Length; n++)
            {
                gtIgnore[n] = n >= counted;
            }
            return counted;
        }

        /// <summary>COCOeval's greedy matching at one IoU threshold; appends one flag per detection.</summary>
        private void Match(
            ReadOnlySpan<int> gts, ReadOnlySpan<int> dts, double[] ious, int[] gtOrder, bool[] gtIgnore,
            bool[] gtMatched, double threshold, CocoAreaRange range, Span<byte> flags)
        {
            var gCount = gts.Length;
            for (var i = 0; i < dts.Length; i++)
            {
                var best = Math.Min(threshold, 1 - 1e-10);
                var m = -1;
                for (var n = 0; n < gCount; n++)
                {
                    var j = gtOrder[n];
                    var crowd = groundTruths[gts[j]].IsCrowd;
                    if (gtMatched[n] && !crowd)
                    {
                        continue;
                    }
                    if (m > -1 && !gtIgnore[m] && gtIgnore[n])
                    {
                        break;
                    }
                    var iou = ious[i * gCount + j];
                    if (iou < best)
                    {
                        continue;
                    }
                    best = iou;
                    m = n;
                }
                byte flag;
                if (m == -1)
                {
                    // Unmatched detections outside the area range are ignored, the rest are false positives.
                    flag = range.Excludes(detections[dts[i]].Area) ? Ignored : FalsePositive;
                }
                else
                {
                    gtMatched[m] = true;
                    flag = gtIgnore[m] ? Ignored : TruePositive;
                }
                flags[i] = flag;
            }
        }
    }

    /// <summary>accumulate(): precision [T,R,K,A,M] and recall [T,K,A,M], -1 where a setting has no ground truth.</summary>
    private sealed class Accumulation
    {
        private readonly CocoEvaluationParameters _p;
        private readonly int _t, _r, _k, _a, _m;

        public Accumulation(CocoEvaluationParameters parameters, int categoryCount)
        {
            _p = parameters;
            _t = parameters.IouThresholds.Count;
            _r = parameters.RecallThresholds.Count;
            _k = categoryCount;
            _a = parameters.AreaRanges.Count;
            _m = parameters.MaxDetections.Count;
            Precision = new double[_t * _r * _k * _a * _m];
            Recall = new double[_t * _k * _a * _m];
            Array.Fill(Precision, -1.0);
            Array.Fill(Recall, -1.0);
        }

        public double[] Precision { get; }

        public double[] Recall { get; }

        public void Accumulate(int k, CategoryEvaluation state)
        {
            if (state.PairStart.Count == 1)
            {
                return; // no (image, category) pair had anything: COCOeval skips the category
            }
            var workspace = state.Workspace;
            var ranked = RankAll(state, workspace);
            for (var m = 0; m < _m; m++)
            {
                var selected = Select(state, ranked, _p.MaxDetections[m], workspace);
                for (var a = 0; a < _a; a++)
                {
                    var counted = state.CountedGroundTruths[a];
                    if (counted == 0)
                    {
                        continue;
                    }
                    for (var t = 0; t < _t; t++)
                    {
                        Curve(k, a, m, t, counted, selected, state.Flags[a * _t + t], workspace);
                    }
                }
            }
        }

        /// <summary>All stored detections by descending score, ties in concatenation order (numpy mergesort).</summary>
        private static int[] RankAll(CategoryEvaluation state, Workspace workspace)
        {
            var ranked = Workspace.Ensure(ref workspace.Ranked, state.Count);
            for (var j = 0; j < state.Count; j++)
            {
                ranked[j] = j;
            }
            var scores = state.Scores;
            ranked.AsSpan(0, state.Count).Sort((x, y) =>
            {
                var byScore = scores[y].CompareTo(scores[x]);
                return byScore != 0 ? byScore : x.CompareTo(y);
            });
            return ranked;
        }

        /// <summary>
        /// Each pair's first maxDet detections in ranked order. Filtering the one stable ranking gives the same order as
        /// COCOeval's separate stable sort of the concatenated prefixes, so one sort serves every maxDets value.
        /// </summary>
        private static ReadOnlySpan<int> Select(CategoryEvaluation state, int[] ranked, int maxDet, Workspace workspace)
        {
            if (maxDet >= state.MaxDetectionsPerPair)
            {
                return ranked.AsSpan(0, state.Count);
            }
            var selected = Workspace.Ensure(ref workspace.Selection, state.Count);
            var n = 0;
            for (var i = 0; i < state.Count; i++)
            {
                var j = ranked[i];
                if (state.Rank[j] < maxDet)
                {
                    selected[n++] = j;
                }
            }
            return selected.AsSpan(0, n);
        }

        private void Curve(
            int k, int a, int m, int t, int counted, ReadOnlySpan<int> selected, byte[] flags, Workspace workspace)
        {
            var rc = Workspace.Ensure(ref workspace.Recall, selected.Length);
            var pr = Workspace.Ensure(ref workspace.Precision, selected.Length);
            double tp = 0, fp = 0;
            var n = 0;
            foreach (var j in selected)
            {
                var flag = flags[j];
                if (flag == Ignored)
                {
                    continue;
                }
                if (flag == TruePositive)
                {
                    tp++;
                }
                else
                {
                    fp++;
                }
                rc[n] = tp / counted;
                pr[n] = tp / (fp + tp + Epsilon);
                n++;
            }
            Recall[((t * _k + k) * _a + a) * _m + m] = n > 0 ? rc[n - 1] : 0;

            for (var i = n - 1; i > 0; i--)
            {
                if (pr[i] > pr[i - 1])
                {
                    pr[i - 1] = pr[i];
                }
            }
            // np.searchsorted(rc, recThrs, side="left"): first index with rc >= threshold; past the end → 0.
            var pi = 0;
            for (var r = 0; r < _r; r++)
            {
                var threshold = _p.RecallThresholds[r];
                while (pi < n && rc[pi] < threshold)
                {
                    pi++;
                }
                Precision[(((t * _r + r) * _k + k) * _a + a) * _m + m] = pi < n ? pr[pi] : 0;
            }
        }
    }
}
