using Xunit;
using System.Text.Json;
using YoloX.Testing;
using YoloX.Training.Augmentation;
using YoloX.Training.Data;

namespace YoloX.Training.Tests.Augmentation;

/// <summary>Reads the fixtures of shared/golden/augment (see its README).</summary>
internal static class GoldenAugment
{
    public static string Root => SharedAssets.Golden("augment");

    public static JsonElement Case(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "cases", name, "case.json")));
        return doc.RootElement.Clone();
    }

    public static JsonElement Summary()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "summary.json")));
        return doc.RootElement.Clone();
    }

    public static BgrImage Image(string relative) => DatasetSampleSource.Decode(Path.Combine(Root, relative));

    public static LabeledBox[] Boxes(JsonElement rows) =>
        [.. rows.EnumerateArray().Select(r =>
        {
            var v = r.EnumerateArray().Select(e => e.GetDouble()).ToArray();
            return new LabeledBox(v[0], v[1], v[2], v[3], (int)v[4]);
        })];

    /// <summary>The float32 CHW image and the labels of a d*/e* case's output.bin.</summary>
    public static (float[] Image, float[] Labels, int MaxLabels) RawOutput(string caseName)
    {
        var dir = Path.Combine(Root, "cases", caseName);
        using var meta = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "output.json")));
        var bytes = File.ReadAllBytes(Path.Combine(dir, "output.bin"));
        var tensors = meta.RootElement.GetProperty("tensors");
        float[] Read(string name)
        {
            if (!tensors.TryGetProperty(name, out var t))
                return [];
            var offset = t.GetProperty("offset").GetInt32();
            var n = t.GetProperty("nbytes").GetInt32();
            var values = new float[n / 4];
            Buffer.BlockCopy(bytes, offset, values, 0, n);
            return values;
        }
        var labels = Read("labels");
        return (Read("image"), labels, labels.Length / 5);
    }

    /// <summary>The golden dataset as <c>pull_item</c> returned it (PNG images and labels from summary.json).</summary>
    public sealed class PullItemSource : IDetectionSampleSource
    {
        private readonly (string Png, LabeledBox[] Boxes)[] _items;

        public PullItemSource()
        {
            var items = Summary().GetProperty("mosaic_dataset").GetProperty("items");
            _items = [.. items.EnumerateArray().Select(i =>
                (i.GetProperty("pull_item_png").GetString()!, Boxes(i.GetProperty("pull_item_labels_xyxy_cls"))))];
        }

        public int Count => _items.Length;

        public bool HasBoxes(int index) => _items[index].Boxes.Length > 0;

        public LabeledImage Load(int index) =>
            new(Image(_items[index].Png), (LabeledBox[])_items[index].Boxes.Clone());
    }
}
