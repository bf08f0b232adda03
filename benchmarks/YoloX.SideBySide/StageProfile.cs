using System.Diagnostics;
using System.Globalization;
using YoloX.Inference.Processing;
using YoloX.Training.Augmentation;
using YoloX.Training.Data;

/// <summary>
/// "stages COCO_DIR ROUNDS": times each stage of the no-cache sample path (decode, BGRA→BGR, resize, HSV, flip,
/// letterbox) and the whole no_aug / nano_exp samples, each over every image of the folder, ROUNDS times in one
/// process; prints per stage the minimum, 10th percentile and median of the single calls (µs; the first round is
/// warm-up). A shared machine makes the absolute numbers noisy: compare stages with each other (minima first).
/// </summary>
internal static class StageProfile
{
    public static void Run(string root, int rounds)
    {
        var dataset = DatasetIO.Read(Path.Combine(root, "annotations", "instances_train2017.json"), DatasetFormat.Coco,
            new DatasetReadOptions { ImagesDirectory = Path.Combine(root, "train2017") });
        var paths = dataset.Images.Select(i => i.FilePath).ToArray();
        var decoded = paths.Select(DatasetSampleSource.Decode).ToArray();
        var resized = decoded.Select(Resize).ToArray();
        var nano = AugmentationOptions.Nano;
        var noAug = new MosaicDetection(nano, new DatasetSampleSource(dataset, nano.InputSize));
        var mosaic = new MosaicDetection(nano, new DatasetSampleSource(dataset, nano.InputSize));
        var call = 0;
        var stages = new (string Name, Action<int> Body)[]
        {
            ("read file bytes", i => File.ReadAllBytes(paths[i])),
            ("skia decode (BGRA bitmap)", i => { using var b = ImageDecoder.Decode(paths[i]); }),
            ("BGRA->BGR copy", i => { using var b = ImageDecoder.Decode(paths[i]); var t = Stopwatch.GetTimestamp(); DatasetSampleSource.FromBitmap(b); Extra(t); }),
            ("DatasetSampleSource.Decode", i => DatasetSampleSource.Decode(paths[i])),
            ("resize 640x480->416x312", i => Resize(decoded[i])),
            ("HSV gains (5,30,30)", i => HsvAugment.ApplyGains(resized[i], 3, 20, -10)),
            ("flip", i => HorizontalFlip.MirrorInPlace(resized[i])),
            ("letterbox 416x312->416x416", i => TrainTransform.Letterbox(resized[i], (416, 416), out _)),
            ("clone 416x312", i => resized[i].Clone()),
            ("whole no_aug sample", i => noAug.Apply(i, SeededRandomSource.ForSample(0, 0, call++), false)),
            ("whole nano_exp sample", i => mosaic.Apply(i, SeededRandomSource.ForSample(0, 0, call++), true)),
        };
        Console.WriteLine($"{"stage",-30} {"min us",10} {"p10 us",10} {"median us",10}   (per call, {paths.Length} images x {rounds} rounds)");
        foreach (var (name, body) in stages)
        {
            var times = new List<double>();
            for (var r = 0; r < rounds; r++)
            {
                for (var i = 0; i < paths.Length; i++)
                {
                    _extra = 0;
                    var t0 = Stopwatch.GetTimestamp();
                    body(i);
                    var ticks = _extra > 0 ? _extra : Stopwatch.GetTimestamp() - t0;
                    if (r > 0) // the first round warms up (JIT tiers, caches)
                        times.Add(ticks * 1e6 / Stopwatch.Frequency);
                }
            }
            times.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-30} {times[0],10:F1} {times[times.Count / 10],10:F1} {times[times.Count / 2],10:F1}"));
        }
    }

    private static long _extra;

    // Stages timed inside the body (after an untimed set-up) add their own ticks here.
    private static void Extra(long start) => _extra += Stopwatch.GetTimestamp() - start;

    private static BgrImage Resize(BgrImage image)
    {
        var r = Math.Min(416.0 / image.Height, 416.0 / image.Width);
        return OpenCvResize.Linear(image, (int)(image.Width * r), (int)(image.Height * r));
    }
}

