using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using SkiaSharp;
using YoloX.Inference;
using YoloX.Inference.Drawing;
using YoloX.Testing;

namespace YoloX.Extensions.Hosting.Tests;

public class WebApiTests(WebApiFactory factory) : IClassFixture<WebApiFactory>
{
    private static MultipartFormDataContent Form(byte[] bytes, string fileName = "dog.jpg", string field = "image")
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        return new MultipartFormDataContent { { content, field, fileName } };
    }

    [Fact]
    public async Task Post_detect_returns_the_same_detections_as_the_library_in_the_detect_json_schema()
    {
        using var client = factory.CreateClient();
        using var response = await client.PostAsync("/detect", Form(File.ReadAllBytes(SharedAssets.DogJpg)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        await using var body = await response.Content.ReadAsStreamAsync();
        var results = DetectionJson.Read(body);
        var served = Assert.Single(results);
        Assert.Equal((768, 576), (served.Width, served.Height));

        using var detector = YoloXBuilder.Create().WithModel(YoloX.Core.YoloXPreset.Nano).WithWeights(SharedAssets.NanoOnnx).BuildDetector();
        var direct = detector.Detect(SharedAssets.DogJpg).Detections;
        Assert.Equal(direct.Count, served.Detections.Count);
        foreach (var (a, b) in direct.Zip(served.Detections))
        {
            Assert.Equal(a.ClassName, b.ClassName);
            Assert.True(float.IsFinite(b.Score) && Math.Abs(a.Score - b.Score) < 1e-5, $"{a.Score} vs {b.Score}");
            Assert.True(Math.Abs(a.Box.X1 - b.Box.X1) < 1e-2 && Math.Abs(a.Box.Y2 - b.Box.Y2) < 1e-2, $"{a.Box} vs {b.Box}");
        }
        Assert.Contains(served.Detections, d => d.ClassName == "dog");
    }

    [Fact]
    public async Task Bad_input_gets_a_4xx_problem_with_a_clear_detail()
    {
        using var client = factory.CreateClient();

        using var noForm = await client.PostAsync("/detect", new StringContent("hello"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, noForm.StatusCode);

        using var noImage = await client.PostAsync("/detect", new MultipartFormDataContent { { new StringContent("x"), "note" } });
        await AssertProblem(noImage, HttpStatusCode.BadRequest, "No image");

        using var notImage = await client.PostAsync("/detect", Form("not an image at all"u8.ToArray(), "notes.txt"));
        await AssertProblem(notImage, HttpStatusCode.UnsupportedMediaType, "notes.txt");

        var truncated = File.ReadAllBytes(SharedAssets.DogJpg)[..200];
        using var broken = await client.PostAsync("/detect", Form(truncated, "broken.jpg"));
        Assert.True((int)broken.StatusCode is 415 or 400, $"truncated JPEG gave {broken.StatusCode}");

        // 1200×1000 = 1.2 MP is above the test limit of 1 MP, although the PNG is small.
        using var big = new SKBitmap(1200, 1000);
        big.Erase(SKColors.White);
        using var png = big.Encode(SKEncodedImageFormat.Png, 100);
        using var tooManyPixels = await client.PostAsync("/detect", Form(png.ToArray(), "big.png"));
        await AssertProblem(tooManyPixels, HttpStatusCode.RequestEntityTooLarge, "1200×1000");

        using var tooLarge = await client.PostAsync("/detect", Form(new byte[2_100_000], "huge.jpg"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
    }

    [Fact]
    public async Task Page_and_health_are_served_and_the_model_is_loaded_before_the_first_request()
    {
        using var client = factory.CreateClient();
        using var health = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
        var page = await client.GetStringAsync("/");
        Assert.Contains("<input type=\"file\" id=\"file\"", page, StringComparison.Ordinal);
    }

    private static async Task AssertProblem(HttpResponseMessage response, HttpStatusCode status, string detailPart)
    {
        Assert.Equal(status, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var detail = doc.RootElement.GetProperty("detail").GetString();
        Assert.Contains(detailPart, detail, StringComparison.Ordinal);
    }
}
