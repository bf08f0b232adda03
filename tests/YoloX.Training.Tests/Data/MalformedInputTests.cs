using Xunit;
using YoloX.Training.Data;

namespace YoloX.Training.Tests.Data;

public sealed class MalformedInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("yolox-malformed-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string relative, string text)
    {
        var path = Path.Combine(_dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private const string CocoHead = "{\n \"images\": [{\"id\": 1, \"file_name\": \"a.jpg\", \"width\": 64, \"height\": 48}],\n \"categories\": [{\"id\": 1, \"name\": \"cat\"}],\n";

    [Fact]
    public void Truncated_coco_json_names_file_and_line()
    {
        var file = Write("truncated.json", CocoHead + " \"annotations\": [{\"id\": 1, \"image_id\": 1,\n \"category_id\": 1, \"bbox\": [1, 2");
        var ex = Assert.Throws<DatasetFormatException>(() => CocoJsonReader.Read(file));
        Assert.Equal(file, ex.File);
        Assert.Equal(5, ex.Line);
        Assert.Contains("truncated.json:5", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Negative_width_in_coco_json_names_the_annotation_line()
    {
        var file = Write("negative.json", CocoHead + " \"annotations\": [\n  {\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 2, 3, 4], \"area\": 12},\n  {\"id\": 2, \"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 2, -3, 4], \"area\": 12}\n ]\n}\n");
        var ex = Assert.Throws<DatasetFormatException>(() => CocoJsonReader.Read(file));
        Assert.Equal(6, ex.Line);
        Assert.Contains("negative", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Voc_xml_missing_tag_names_file_and_line()
    {
        Write("voc/JPEGImages/x.jpg", "not an image");
        var file = Write("voc/Annotations/x.xml",
            "<annotation>\n <filename>x.jpg</filename>\n <size><width>64</width><height>48</height></size>\n <object>\n  <name>cat</name>\n  <bndbox>\n   <xmin>1</xmin><ymin>2</ymin>\n   <xmax>10</xmax>\n  </bndbox>\n </object>\n</annotation>\n");
        var ex = Assert.Throws<DatasetFormatException>(() => VocReader.Read(Path.Combine(_dir, "voc")));
        Assert.Equal(file, ex.File);
        Assert.Equal(6, ex.Line); // the <bndbox> that lacks <ymax>
        Assert.Contains("ymax", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_voc_xml_names_file_and_line()
    {
        var file = Write("voc2/Annotations/y.xml", "<annotation>\n <filename>y.jpg</filename>\n <object>\n");
        var ex = Assert.Throws<DatasetFormatException>(() => VocReader.Read(Path.Combine(_dir, "voc2")));
        Assert.Equal(file, ex.File);
        Assert.True(ex.Line >= 3, $"line {ex.Line}");
    }

    [Fact]
    public void Yolo_label_line_with_4_fields_names_file_and_line()
    {
        Write("yolo/classes.txt", "cat\ndog\n");
        Write("yolo/images/a.jpg", "not an image");
        var label = Write("yolo/labels/a.txt", "0 0.5 0.5 0.2 0.2\n1 0.5 0.5 0.2\n");
        var ex = Assert.Throws<DatasetFormatException>(() => YoloTxtReader.Read(Path.Combine(_dir, "yolo")));
        Assert.Equal(label, ex.File);
        Assert.Equal(2, ex.Line);
        Assert.Contains("5 fields", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Yolo_negative_width_names_file_and_line()
    {
        Write("yolo3/classes.txt", "cat\n");
        Write("yolo3/images/a.jpg", "not an image");
        var label = Write("yolo3/labels/a.txt", "\n0 0.5 0.5 -0.2 0.2\n");
        var ex = Assert.Throws<DatasetFormatException>(() => YoloTxtReader.Read(Path.Combine(_dir, "yolo3")));
        Assert.Equal((label, 2), (ex.File, ex.Line));
    }

    [Fact]
    public void Lenient_check_reports_every_problem_instead_of_throwing()
    {
        Write("yolo2/classes.txt", "cat\n");
        Write("yolo2/images/a.jpg", "not an image");
        Write("yolo2/labels/a.txt", "0 0.5 0.5 0.2\n3 0.5 0.5 0.2 0.2\n0 0.5 0.5 0 0.2\n");
        var report = DatasetValidator.Check(Path.Combine(_dir, "yolo2"), DatasetFormat.Yolo);
        var codes = report.Issues.Select(i => i.Code).ToList();
        Assert.Contains("malformed", codes);
        Assert.Contains("unknown-class", codes);
        Assert.Contains("unreadable-image", codes);
        Assert.False(report.IsValid);
        Assert.Contains(report.Issues, i => i.Code == "malformed" && i.Location!.Value.Line == 1);
        Assert.Contains(report.Issues, i => i.Code == "unknown-class" && i.Location!.Value.Line == 2);
    }

    [Fact]
    public void Label_file_without_an_image_is_reported()
    {
        Write("yolo4/classes.txt", "cat\n");
        Write("yolo4/images/a.jpg", "not an image");
        Write("yolo4/labels/a.txt", "0 0.5 0.5 0.2 0.2\n");
        var orphan = Write("yolo4/labels/b.txt", "0 0.5 0.5 0.2 0.2\n");
        var ds = YoloTxtReader.Read(Path.Combine(_dir, "yolo4"));
        var issue = Assert.Single(ds.Issues, i => i.Code == "orphan-label");
        Assert.Equal(orphan, issue.Location!.Value.File);
    }
}
