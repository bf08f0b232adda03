using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace YoloX.Core.Tests.Loss;

/// <summary>
/// One fixture of <c>dense_loss_fixture.py</c>: <c>Fixtures/NAME.json</c> (targets, official loss terms and assignment)
/// and <c>Fixtures/NAME.bin</c> (each level's raw head output, then each level's official gradient; float32).
/// </summary>
internal sealed class DenseLossFixture
{
    private readonly JsonElement root;
    private readonly float[] data;
    private readonly long[][] levelShapes;

    private DenseLossFixture(JsonElement root, float[] data)
    {
        this.root = root;
        this.data = data;
        levelShapes = root.GetProperty("levels").EnumerateArray().Select(NanoTrainGolden.Longs).ToArray();
        var expected = 2 * levelShapes.Sum(s => s.Aggregate(1L, (a, b) => a * b));
        if (data.Length != expected)
        {
            throw new InvalidDataException($"The fixture holds {data.Length} floats; its levels need {expected}.");
        }
    }

    public int NumClasses => root.GetProperty("num_classes").GetInt32();

    public int[] Strides => root.GetProperty("strides").EnumerateArray().Select(e => e.GetInt32()).ToArray();

    public static DenseLossFixture Load(string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "Loss", "Fixtures");
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, name + ".json")));
        var bytes = File.ReadAllBytes(Path.Combine(folder, name + ".bin"));
        var floats = new float[bytes.Length / sizeof(float)];
        Buffer.BlockCopy(bytes, 0, floats, 0, floats.Length * sizeof(float));
        return new DenseLossFixture(doc.RootElement.Clone(), floats);
    }

    /// <summary>The raw head outputs, one <c>[B, 5 + C, H, W]</c> tensor per level.</summary>
    public Tensor[] Outputs() => Slices(0);

    /// <summary>The official d(total_loss)/d(output), one tensor per level.</summary>
    public Tensor[] Gradients() => Slices(levelShapes.Sum(s => s.Aggregate(1L, (a, b) => a * b)));

    /// <summary>The padded targets <c>[B, max_labels, 5]</c> (class, cx, cy, w, h).</summary>
    public Tensor Targets()
    {
        var images = root.GetProperty("targets").EnumerateArray().ToArray();
        var maxLabels = root.GetProperty("max_labels").GetInt32();
        var rows = new float[images.Length * maxLabels * 5];
        for (var b = 0; b < images.Length; b++)
        {
            var r = 0;
            foreach (var row in images[b].EnumerateArray())
            {
                var values = row.EnumerateArray().Select(v => v.GetSingle()).ToArray();
                values.CopyTo(rows, (b * maxLabels + r++) * 5);
            }
        }
        return torch.tensor(rows, [images.Length, maxLabels, 5]);
    }

    /// <summary>The official loss terms (<c>loss</c> or <c>loss_use_l1</c>).</summary>
    public JsonElement Loss(bool useL1) => root.GetProperty(useL1 ? "loss_use_l1" : "loss");

    /// <summary>The official per-image assignments.</summary>
    public List<JsonElement> Assignments() => root.GetProperty("assignment").EnumerateArray().ToList();

    private Tensor[] Slices(long offset)
    {
        var tensors = new Tensor[levelShapes.Length];
        for (var l = 0; l < levelShapes.Length; l++)
        {
            var count = levelShapes[l].Aggregate(1L, (a, b) => a * b);
            tensors[l] = torch.tensor(data.AsSpan((int)offset, (int)count).ToArray(), levelShapes[l]);
            offset += count;
        }
        return tensors;
    }
}
