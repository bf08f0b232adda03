using YoloX.Inference.Processing;
using YoloX.Testing;
using YoloX.Training.Data;
using static TorchSharp.torch;

namespace YoloX.Training.MpiHost;

/// <summary>
/// Real training samples: the first coco128 images (by id), letterboxed to a square input as the official
/// <c>preproc</c> (BGR 0–255, image top-left, 114 padding), with their non-crowd boxes as (class, cx, cy, w, h).
/// </summary>
internal sealed class Coco128Samples
{
    public const int MaxLabels = 50;

    private readonly List<(float[] Image, float[] Targets)> _samples = [];

    public Coco128Samples(int count, int inputSize)
    {
        InputSize = inputSize;
        var dataset = DatasetIO.Read(SharedAssets.Asset("datasets/coco128"), DatasetFormat.Coco);
        foreach (var image in dataset.Images.OrderBy(i => i.Id).Take(count))
        {
            var chw = new float[3 * inputSize * inputSize];
            using var bitmap = ImageDecoder.Decode(image.FilePath);
            var info = Letterbox.Fill(bitmap, chw, inputSize, inputSize);
            var targets = new float[MaxLabels * 5];
            var row = 0;
            foreach (var a in dataset.AnnotationsOf(image.Id).Where(a => !a.IsCrowd).Take(MaxLabels))
            {
                var (w, h) = (a.Box.Width * info.Ratio, a.Box.Height * info.Ratio);
                if (w < 1 || h < 1)
                    continue;
                targets[row * 5] = a.ClassId;
                targets[row * 5 + 1] = (float)((a.Box.X + a.Box.Width / 2) * info.Ratio);
                targets[row * 5 + 2] = (float)((a.Box.Y + a.Box.Height / 2) * info.Ratio);
                targets[row * 5 + 3] = (float)w;
                targets[row * 5 + 4] = (float)h;
                row++;
            }
            _samples.Add((chw, targets));
        }
        if (_samples.Count < count)
            throw new InvalidOperationException($"coco128 has only {_samples.Count} images; {count} wanted.");
    }

    public int InputSize { get; }

    /// <summary>Images [n,3,S,S] and targets [n,MaxLabels,5] of samples start..start+n.</summary>
    public (Tensor Images, Tensor Targets) Batch(int start, int n)
    {
        var images = new float[n * 3 * InputSize * InputSize];
        var targets = new float[n * MaxLabels * 5];
        for (var i = 0; i < n; i++)
        {
            _samples[start + i].Image.CopyTo(images, i * 3 * InputSize * InputSize);
            _samples[start + i].Targets.CopyTo(targets, i * MaxLabels * 5);
        }
        return (tensor(images, [n, 3, InputSize, InputSize]), tensor(targets, [n, MaxLabels, 5]));
    }
}
