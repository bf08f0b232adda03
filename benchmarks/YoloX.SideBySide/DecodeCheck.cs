using YoloX.Inference.Processing;
using YoloX.Training.Data;

/// <summary>
/// "decodecheck LIST": for each line "path width height raw" (raw: cv2.imread's BGR bytes, written by numpy's
/// tofile) compares our decode (TurboJPEG when available) and SkiaSharp's with OpenCV's pixels.
/// </summary>
internal static class DecodeCheck
{
    public static void Run(string list)
    {
        int files = 0, oursExact = 0, skiaExact = 0, oursMax = 0, skiaMax = 0;
        foreach (var line in File.ReadLines(list))
        {
            var f = line.Split('\t');
            var expected = File.ReadAllBytes(f[3]);
            var ours = DatasetSampleSource.Decode(f[0]);
            using var bitmap = ImageDecoder.Decode(f[0]);
            var skia = DatasetSampleSource.FromBitmap(bitmap);
            var o = MaxDiff(ours.Data, expected);
            var s = MaxDiff(skia.Data, expected);
            files++;
            oursExact += o == 0 ? 1 : 0;
            skiaExact += s == 0 ? 1 : 0;
            oursMax = Math.Max(oursMax, o);
            skiaMax = Math.Max(skiaMax, s);
            if (o != 0)
                Console.WriteLine($"ours differs: {f[0]} max {o}");
        }
        Console.WriteLine($"turbojpeg available {TurboJpegDecoder.IsAvailable}; {files} files: ours exact {oursExact} (max diff {oursMax}), skia exact {skiaExact} (max diff {skiaMax})");
    }

    private static int MaxDiff(byte[] a, byte[] b)
    {
        if (a.Length != b.Length)
            return 999;
        var max = 0;
        for (var i = 0; i < a.Length; i++)
            max = Math.Max(max, Math.Abs(a[i] - b[i]));
        return max;
    }
}
