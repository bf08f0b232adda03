using System.Text;
using SkiaSharp;
using Xunit;
using Xunit.Abstractions;
using YoloX.Training.Data;

namespace YoloX.Training.Tests.Data;

/// <summary>
/// A seeded mutation fuzz loop over the three annotation readers: thousands of random byte-level mutations of a valid
/// COCO JSON, VOC XML and YOLO label file. Each read must end, within a per-case timeout, in either a clean dataset or
/// a <see cref="DatasetFormatException"/> naming the file and a line; any other exception type, or a hang, fails the
/// test and prints the seed and the mutated text so the case can be replayed.
/// </summary>
public sealed class DatasetFuzzTests(ITestOutputHelper output) : IDisposable
{
    private const int CasesPerFormat = 1000;
    private static readonly TimeSpan CaseTimeout = TimeSpan.FromSeconds(10);

    private readonly string _dir = Directory.CreateTempSubdirectory("yolox-fuzz-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const string Coco = """
        {
          "images": [
            {"id": 1, "file_name": "a.jpg", "width": 64, "height": 48},
            {"id": 2, "file_name": "b.jpg", "width": 32, "height": 32}
          ],
          "categories": [{"id": 1, "name": "cat"}, {"id": 3, "name": "dog"}],
          "annotations": [
            {"id": 1, "image_id": 1, "category_id": 1, "bbox": [1.5, 2, 30, 20], "area": 600, "iscrowd": 0},
            {"id": 2, "image_id": 1, "category_id": 3, "bbox": [10, 10, 5, 6], "area": 30, "iscrowd": 1},
            {"id": 3, "image_id": 2, "category_id": 3, "bbox": [0, 0, 32, 32], "area": 1024, "iscrowd": 0}
          ]
        }
        """;

    private const string Voc = """
        <annotation>
          <folder>JPEGImages</folder>
          <filename>a.jpg</filename>
          <size><width>64</width><height>48</height><depth>3</depth></size>
          <object>
            <name>cat</name><pose>Unspecified</pose><truncated>0</truncated><difficult>0</difficult>
            <bndbox><xmin>2</xmin><ymin>3</ymin><xmax>30</xmax><ymax>20</ymax></bndbox>
          </object>
          <object>
            <name>dog</name><difficult>1</difficult>
            <bndbox><xmin>10</xmin><ymin>10</ymin><xmax>60</xmax><ymax>44</ymax></bndbox>
          </object>
        </annotation>
        """;

    private const string Yolo = "0 0.5 0.5 0.25 0.5\n1 0.125 0.25 0.1 0.2\n0 0.9 0.9 0.05 0.05\n";

    [Fact]
    public Task Mutated_coco_json_reads_cleanly_or_throws_DatasetFormatException_with_file_and_line() =>
        Fuzz("coco", 1, Coco, text =>
        {
            var file = Path.Combine(_dir, "coco", "instances.json");
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllBytes(file, text);
            return (file, () => CocoJsonReader.Read(file));
        });

    [Fact]
    public Task Mutated_voc_xml_reads_cleanly_or_throws_DatasetFormatException_with_file_and_line()
    {
        var root = Path.Combine(_dir, "voc");
        Directory.CreateDirectory(Path.Combine(root, "Annotations"));
        Directory.CreateDirectory(Path.Combine(root, "JPEGImages"));
        File.WriteAllBytes(Path.Combine(root, "JPEGImages", "a.jpg"), TinyJpeg(64, 48));
        return Fuzz("voc", 2, Voc, text =>
        {
            var file = Path.Combine(root, "Annotations", "a.xml");
            File.WriteAllBytes(file, text);
            return (file, () => VocReader.Read(root));
        });
    }

    [Fact]
    public Task Mutated_yolo_labels_read_cleanly_or_throw_DatasetFormatException_with_file_and_line()
    {
        var root = Path.Combine(_dir, "yolo");
        Directory.CreateDirectory(Path.Combine(root, "images"));
        Directory.CreateDirectory(Path.Combine(root, "labels"));
        File.WriteAllBytes(Path.Combine(root, "images", "a.jpg"), TinyJpeg(64, 48));
        File.WriteAllText(Path.Combine(root, "classes.txt"), "cat\ndog\n");
        return Fuzz("yolo", 3, Yolo, text =>
        {
            var file = Path.Combine(root, "labels", "a.txt");
            File.WriteAllBytes(file, text);
            return (file, () => YoloTxtReader.Read(root));
        });
    }

    private async Task Fuzz(string name, int seed, string valid, Func<byte[], (string File, Func<DetectionDataset> Read)> prepare)
    {
        var source = Encoding.UTF8.GetBytes(valid);
        var (cleanFile, cleanRead) = prepare(source);
        Assert.NotEmpty(cleanRead().Annotations); // the unmutated input is valid
        var (clean, refused) = (0, 0);
        for (var i = 0; i < CasesPerFormat; i++)
        {
            var caseSeed = seed * 1_000_003 + i;
            var mutated = Mutate(source, new Random(caseSeed));
            var (file, read) = prepare(mutated);
            string Describe() => $"{name} case {i} (seed {caseSeed}):\n{Encoding.UTF8.GetString(mutated)}";
            var run = Task.Run(read);
            try
            {
                await run.WaitAsync(CaseTimeout);
                clean++;
            }
            catch (TimeoutException)
            {
                Assert.Fail($"the reader did not finish within {CaseTimeout.TotalSeconds} s on {Describe()}");
            }
            catch (DatasetFormatException e)
            {
                refused++;
                Assert.True(Path.GetFullPath(e.File) == Path.GetFullPath(file), $"the exception names '{e.File}', not '{file}': {e.Message} in {Describe()}");
                var lines = mutated.Count(b => b == (byte)'\n') + 1;
                Assert.True(e.Line >= 1 && e.Line <= lines, $"line {e.Line} of {lines}: {e.Message} in {Describe()}");
            }
            catch (Exception e)
            {
                Assert.Fail($"{e.GetType().Name}: {e.Message} on {Describe()}\n{e}");
            }
        }
        output.WriteLine($"{name}: {CasesPerFormat} mutations: {clean} read cleanly, {refused} refused with file and line ({cleanFile})");
    }

    /// <summary>One to four byte-level edits: replace, insert (often a structural character), delete, duplicate or truncate.</summary>
    private static byte[] Mutate(byte[] source, Random random)
    {
        const string Structural = "{}[]\",:<>/= \n\t-.0123456789eE+\\";
        var bytes = new List<byte>(source);
        var edits = random.Next(1, 5);
        for (var e = 0; e < edits && bytes.Count > 0; e++)
        {
            var at = random.Next(bytes.Count);
            byte Pick() => random.Next(3) == 0 ? (byte)random.Next(256) : (byte)Structural[random.Next(Structural.Length)];
            switch (random.Next(5))
            {
                case 0: bytes[at] = Pick(); break;
                case 1: bytes.Insert(at, Pick()); break;
                case 2: bytes.RemoveRange(at, Math.Min(bytes.Count - at, random.Next(1, 12))); break;
                case 3: bytes.InsertRange(at, bytes.GetRange(at, Math.Min(bytes.Count - at, random.Next(1, 40)))); break;
                default: bytes.RemoveRange(at, bytes.Count - at); break;
            }
        }
        return [.. bytes];
    }

    private static byte[] TinyJpeg(int width, int height)
    {
        using var bitmap = new SKBitmap(width, height);
        bitmap.Erase(SKColors.Gray);
        return bitmap.Encode(SKEncodedImageFormat.Jpeg, 80).ToArray();
    }
}
