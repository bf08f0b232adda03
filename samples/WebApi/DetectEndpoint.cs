using Microsoft.Extensions.Options;
using SkiaSharp;
using YoloX.Inference;
using YoloX.Inference.Drawing;
using YoloX.Inference.Processing;

namespace YoloX.Samples.WebApi;

/// <summary>
/// <c>POST /detect</c>: a multipart form with the picture in the field <c>image</c> → the JSON that
/// <c>yolox detect --json</c> writes (an array with one result). Bad input gets a problem response: 400 (no image),
/// 413 (request or pixel count above the limits), 415 (not multipart, or not a decodable image).
/// </summary>
internal static class DetectEndpoint
{
    public static async Task<IResult> HandleAsync(HttpRequest request, YoloXDetector detector, IOptions<UploadLimits> limits, CancellationToken ct)
    {
        if (!request.HasFormContentType)
        {
            return Problem(StatusCodes.Status415UnsupportedMediaType, "Send multipart/form-data with the picture in the field 'image'.");
        }
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(ct);
        }
        catch (Exception e) when (e is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } or InvalidDataException)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, $"The request is larger than {limits.Value.MaxRequestBytes} bytes or is not a valid multipart form.");
        }
        var file = form.Files.GetFile("image") ?? form.Files.FirstOrDefault();
        if (file is null || file.Length == 0)
        {
            return Problem(StatusCodes.Status400BadRequest, "No image: send the picture as the form field 'image'.");
        }
        var bytes = new byte[file.Length];
        await using (var stream = file.OpenReadStream())
        {
            await stream.ReadExactlyAsync(bytes, ct);
        }
        if (ReadSize(bytes) is not { } size)
        {
            return Problem(StatusCodes.Status415UnsupportedMediaType, $"'{file.FileName}' is not a JPEG, PNG, WebP, BMP or GIF image.");
        }
        if ((long)size.Width * size.Height > limits.Value.MaxPixels)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge,
                $"The image is {size.Width}×{size.Height} pixels, above the limit of {limits.Value.MaxPixels} pixels.");
        }
        DetectionResult result;
        try
        {
            using var image = ImageDecoder.Decode(bytes, file.FileName);
            result = detector.Detect(image, file.FileName, ct);
        }
        catch (ImageDecodeException e)
        {
            return Problem(StatusCodes.Status415UnsupportedMediaType, e.Message);
        }
        var json = new MemoryStream();
        DetectionJson.Write(json, [result], indented: false);
        json.Position = 0;
        return Results.Stream(json, "application/json");
    }

    /// <summary>The image's size from its header alone, or null when the bytes are not an image Skia can read.</summary>
    private static (int Width, int Height)? ReadSize(byte[] bytes)
    {
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data);
        return codec is null ? null : (codec.Info.Width, codec.Info.Height);
    }

    private static IResult Problem(int status, string detail) => Results.Problem(detail: detail, statusCode: status);
}
