using SkiaSharp;
using YoloX.Inference.Drawing;
using YoloX.Testing;

namespace YoloX.Inference.Tests;

public sealed class DrawingTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Drawn_boxes_are_saved_as_png_and_jpeg_by_extension_in_the_class_colour()
    {
        using var image = ProcessingTests.Solid(200, 100, SKColors.Black);
        var detection = new Detection(new BoundingBox(20, 30, 120, 90), 0.9f, 16, "dog");
        using var drawn = DetectionRenderer.Draw(image, [detection], new DrawOptions(LineWidth: 4));
        var png = _dir.File("out/drawn.png");
        var jpg = _dir.File("out/drawn.jpg");
        DetectionRenderer.Save(drawn, png);
        DetectionRenderer.Save(drawn, jpg);

        Assert.Equal(0x89, File.ReadAllBytes(png)[0]);
        Assert.Equal(0xFF, File.ReadAllBytes(jpg)[0]);
        using var reloaded = SKBitmap.Decode(png);
        Assert.Equal((200, 100), (reloaded.Width, reloaded.Height));
        var edge = reloaded.GetPixel(70, 90); // bottom edge of the box
        var colour = DetectionRenderer.ColorOf(16);
        Assert.Equal((colour.Red, colour.Green, colour.Blue), (edge.Red, edge.Green, edge.Blue));
        Assert.Equal(SKColors.Black, reloaded.GetPixel(70, 60)); // inside stays untouched
        Assert.Throws<ArgumentException>(() => DetectionRenderer.Save(drawn, _dir.File("x.tiff")));
    }

    [Fact]
    public void Detections_json_has_the_documented_layout_and_round_trips()
    {
        var result = new DetectionResult("dog.jpg", 768, 576,
            [new Detection(new BoundingBox(1.5f, 2.25f, 30f, 40.1254f), 0.85f, 16, "dog")], default);
        var path = _dir.File("dets.json");
        DetectionJson.WriteFile(path, [result]);

        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path));
        var item = doc.RootElement[0];
        Assert.Equal("dog.jpg", item.GetProperty("image").GetString());
        Assert.Equal(768, item.GetProperty("width").GetInt32());
        var d = item.GetProperty("detections")[0];
        Assert.Equal(16, d.GetProperty("class_id").GetInt32());
        Assert.Equal("dog", d.GetProperty("class_name").GetString());
        Assert.Equal(0.85, d.GetProperty("score").GetDouble(), 5);
        Assert.Equal([1.5, 2.25, 30, 40.125], d.GetProperty("box").EnumerateArray().Select(e => e.GetDouble()));

        using var stream = File.OpenRead(path);
        var back = Assert.Single(DetectionJson.Read(stream));
        Assert.Equal(("dog.jpg", 768, 576), (back.Source, back.Width, back.Height));
        Assert.Equal("dog", back.Detections[0].ClassName);
        Assert.Throws<FormatException>(() => DetectionJson.Read(new MemoryStream("{\"x\":1}"u8.ToArray())));
    }

    [Fact]
    public void Dog_detections_can_be_drawn_on_the_decoded_image()
    {
        using var detector = OnnxDetectorTests.BuildNano();
        using var image = Processing.ImageDecoder.Decode(SharedAssets.DogJpg);
        var result = detector.Detect(image);
        using var drawn = DetectionRenderer.Draw(image, result.Detections);
        var path = _dir.File("dog.png");
        DetectionRenderer.Save(drawn, path);
        Assert.True(new FileInfo(path).Length > 10_000);
        var dog = result.Detections.First(d => d.ClassName == "dog");
        var c = DetectionRenderer.ColorOf(dog.ClassId);
        using var reloaded = SKBitmap.Decode(path);
        var onEdge = reloaded.GetPixel((int)((dog.Box.X1 + dog.Box.X2) / 2), (int)dog.Box.Y2);
        Assert.Equal((c.Red, c.Green, c.Blue), (onEdge.Red, onEdge.Green, onEdge.Blue));
    }
}
