using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;

namespace YoloX.Training.Data;

/// <summary>What a conversion wrote.</summary>
/// <param name="Root">Output folder.</param>
/// <param name="Images">Images written (or referenced).</param>
/// <param name="Boxes">Boxes written.</param>
/// <param name="Dropped">Boxes the target format cannot hold (crowd boxes for YOLO).</param>
public sealed record ConversionResult(string Root, int Images, int Boxes, int Dropped);

/// <summary>
/// Writes a <see cref="DetectionDataset"/> as a complete dataset in another format, in the layout the readers expect:
/// COCO <c>annotations/instances_SPLIT.json</c> + <c>SPLIT/</c>; VOC <c>Annotations/</c>, <c>JPEGImages/</c>,
/// <c>ImageSets/Main/SPLIT.txt</c>; YOLO <c>images/</c>, <c>labels/</c>, <c>classes.txt</c>.
/// </summary>
public static class DatasetWriter
{
    /// <summary>Writes the dataset.</summary>
    /// <param name="dataset">The data.</param>
    /// <param name="format">Target format.</param>
    /// <param name="outputDirectory">Output folder (created).</param>
    /// <param name="split">Split name used for file/folder names.</param>
    /// <param name="copyImages">Copy the image files into the new layout.</param>
    public static ConversionResult Write(
        DetectionDataset dataset, DatasetFormat format, string outputDirectory, string split = "train", bool copyImages = true)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var duplicate = dataset.Images.GroupBy(i => i.FileName, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Two images share the file name '{duplicate.Key}'; the target layout needs unique names.");
        }
        Directory.CreateDirectory(outputDirectory);
        return format switch
        {
            DatasetFormat.Coco => WriteCoco(dataset, outputDirectory, split, copyImages),
            DatasetFormat.Voc => WriteVoc(dataset, outputDirectory, split, copyImages),
            DatasetFormat.Yolo => WriteYolo(dataset, outputDirectory, copyImages),
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };
    }

    private static void CopyImages(DetectionDataset dataset, string folder, bool copy)
    {
        if (!copy)
        {
            return;
        }
        Directory.CreateDirectory(folder);
        foreach (var image in dataset.Images)
        {
            File.Copy(image.FilePath, Path.Combine(folder, image.FileName), overwrite: true);
        }
    }

    private static ConversionResult WriteCoco(DetectionDataset ds, string root, string split, bool copy)
    {
        CopyImages(ds, Path.Combine(root, split), copy);
        var file = Path.Combine(root, "annotations", $"instances_{split}.json");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        using var stream = File.Create(file);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteStartArray("images");
        foreach (var image in ds.Images)
        {
            json.WriteStartObject();
            json.WriteNumber("id", image.Id);
            json.WriteString("file_name", image.FileName);
            json.WriteNumber("width", image.Width);
            json.WriteNumber("height", image.Height);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("annotations");
        foreach (var a in ds.Annotations)
        {
            json.WriteStartObject();
            json.WriteNumber("id", a.Id);
            json.WriteNumber("image_id", a.ImageId);
            json.WriteNumber("category_id", ds.CategoryIds[a.ClassId]);
            json.WriteStartArray("bbox");
            json.WriteNumberValue(a.Box.X);
            json.WriteNumberValue(a.Box.Y);
            json.WriteNumberValue(a.Box.Width);
            json.WriteNumberValue(a.Box.Height);
            json.WriteEndArray();
            json.WriteNumber("area", a.Area);
            json.WriteNumber("iscrowd", a.IsCrowd ? 1 : 0);
            json.WriteStartArray("segmentation");
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("categories");
        for (var k = 0; k < ds.ClassNames.Count; k++)
        {
            json.WriteStartObject();
            json.WriteNumber("id", ds.CategoryIds[k]);
            json.WriteString("name", ds.ClassNames[k]);
            json.WriteString("supercategory", ds.ClassNames[k]);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
        return new ConversionResult(root, ds.Images.Count, ds.Annotations.Count, 0);
    }

    private static ConversionResult WriteVoc(DetectionDataset ds, string root, string split, bool copy)
    {
        CopyImages(ds, Path.Combine(root, "JPEGImages"), copy);
        var annotations = Path.Combine(root, "Annotations");
        var sets = Path.Combine(root, "ImageSets", "Main");
        Directory.CreateDirectory(annotations);
        Directory.CreateDirectory(sets);
        var stems = new List<string>();
        var boxes = 0;
        foreach (var image in ds.Images)
        {
            var stem = Path.GetFileNameWithoutExtension(image.FileName);
            stems.Add(stem);
            var root2 = new XElement("annotation",
                new XElement("folder", "JPEGImages"),
                new XElement("filename", image.FileName),
                new XElement("size", new XElement("width", image.Width), new XElement("height", image.Height), new XElement("depth", 3)),
                new XElement("segmented", 0));
            foreach (var a in ds.AnnotationsOf(image.Id))
            {
                // VOC corners are 1-based (the reader subtracts 1, as YOLOX does).
                root2.Add(new XElement("object",
                    new XElement("name", ds.ClassNames[a.ClassId]),
                    new XElement("pose", "Unspecified"),
                    new XElement("truncated", 0),
                    new XElement("difficult", a.Difficult || a.IsCrowd ? 1 : 0),
                    new XElement("bndbox",
                        new XElement("xmin", N(a.Box.X + 1)), new XElement("ymin", N(a.Box.Y + 1)),
                        new XElement("xmax", N(a.Box.X2 + 1)), new XElement("ymax", N(a.Box.Y2 + 1)))));
                boxes++;
            }
            new XDocument(root2).Save(Path.Combine(annotations, stem + ".xml"));
        }
        File.WriteAllLines(Path.Combine(sets, split + ".txt"), stems);
        return new ConversionResult(root, ds.Images.Count, boxes, 0);
    }

    private static ConversionResult WriteYolo(DetectionDataset ds, string root, bool copy)
    {
        CopyImages(ds, Path.Combine(root, "images"), copy);
        var labels = Path.Combine(root, "labels");
        Directory.CreateDirectory(labels);
        File.WriteAllLines(Path.Combine(root, "classes.txt"), ds.ClassNames);
        int boxes = 0, dropped = 0;
        foreach (var image in ds.Images)
        {
            var text = new StringBuilder();
            foreach (var a in ds.AnnotationsOf(image.Id))
            {
                if (a.IsCrowd || image.Width <= 0 || image.Height <= 0)
                {
                    dropped++;
                    continue;
                }
                var b = a.Box;
                text.Append(CultureInfo.InvariantCulture,
                    $"{a.ClassId} {F((b.X + b.Width / 2) / image.Width)} {F((b.Y + b.Height / 2) / image.Height)} {F(b.Width / image.Width)} {F(b.Height / image.Height)}\n");
                boxes++;
            }
            if (text.Length > 0)
            {
                File.WriteAllText(Path.Combine(labels, Path.GetFileNameWithoutExtension(image.FileName) + ".txt"), text.ToString());
            }
        }
        return new ConversionResult(root, ds.Images.Count, boxes, dropped);
    }

    private static string N(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);

    private static string F(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);
}
