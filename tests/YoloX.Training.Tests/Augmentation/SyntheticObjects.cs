using YoloX.Training.Augmentation;

namespace YoloX.Training.Tests.Augmentation;

/// <summary>
/// A synthetic dataset for property tests: black images of random sizes with white rectangles painted exactly where
/// their boxes say, so "the box is on its object" can be checked from the pixels after any augmentation.
/// </summary>
internal sealed class SyntheticObjects : IDetectionSampleSource
{
    private readonly LabeledImage[] _items;

    public SyntheticObjects(int count, int seed, (int Height, int Width) inputSize)
    {
        var random = new Random(seed);
        _items = new LabeledImage[count];
        for (var i = 0; i < count; i++)
        {
            var (w, h) = (random.Next(120, 400), random.Next(120, 400));
            var image = new BgrImage(w, h);
            var boxes = new List<LabeledBox>();
            var objects = i % 5 == 4 ? 0 : random.Next(1, 4); // every fifth image is a negative
            for (var k = 0; k < objects * 20 && boxes.Count < objects; k++)
            {
                var (bw, bh) = (random.Next(24, w / 2), random.Next(24, h / 2));
                var (x, y) = (random.Next(0, w - bw), random.Next(0, h - bh));
                var candidate = new LabeledBox(x, y, x + bw, y + bh, random.Next(0, 3));
                // Keep objects apart so that each box's pixels belong to one object only.
                if (boxes.Any(b => b.X1 < candidate.X2 + 8 && candidate.X1 < b.X2 + 8 && b.Y1 < candidate.Y2 + 8 && candidate.Y1 < b.Y2 + 8))
                    continue;
                boxes.Add(candidate);
                for (var yy = y; yy < y + bh; yy++)
                    image.Row(yy).Slice(x * 3, bw * 3).Fill(255);
            }
            // Scale like pull_item: boxes × r, image resized to fit the input.
            var r = Math.Min((double)inputSize.Height / h, (double)inputSize.Width / w);
            var resized = OpenCvResize.Linear(image, (int)(w * r), (int)(h * r));
            _items[i] = new LabeledImage(resized, [.. boxes.Select(b => b with { X1 = b.X1 * r, Y1 = b.Y1 * r, X2 = b.X2 * r, Y2 = b.Y2 * r })]);
        }
    }

    public int Count => _items.Length;

    public bool HasBoxes(int index) => _items[index].Boxes.Length > 0;

    public LabeledImage Load(int index) => new(_items[index].Image.Clone(), (LabeledBox[])_items[index].Boxes.Clone());
}
