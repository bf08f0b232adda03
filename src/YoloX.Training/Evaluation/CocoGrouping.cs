namespace YoloX.Training.Evaluation;

/// <summary>Items bucketed by (category, image), keeping their input order inside each bucket.</summary>
internal sealed class CocoGrouping
{
    private CocoGrouping(int[] order, long[] keys, int[] categoryStart)
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

    public static CocoGrouping Build(
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
        return new CocoGrouping(order, keys, categoryStart);
    }
}
