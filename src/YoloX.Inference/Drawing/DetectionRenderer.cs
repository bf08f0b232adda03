using SkiaSharp;

namespace YoloX.Inference.Drawing;

/// <summary>Style of drawn boxes and labels.</summary>
/// <param name="LineWidth">Box outline width in pixels; 0: scaled to the image (about 1/300 of its longer side, at least 2).</param>
/// <param name="FontSize">Label text size in pixels; 0: scaled to the image.</param>
/// <param name="ShowScores">Append the score in percent to each label.</param>
public sealed record DrawOptions(float LineWidth = 0, float FontSize = 0, bool ShowScores = true)
{
    /// <summary>Sizes scaled to the image, scores shown.</summary>
    public static DrawOptions Default { get; } = new();
}

/// <summary>Draws detections (boxes and "name score" labels, one colour per class) and saves images.</summary>
public static class DetectionRenderer
{
    /// <summary>Returns a new opaque-friendly (premultiplied BGRA) copy of <paramref name="image"/> with the detections drawn on it.</summary>
    public static SKBitmap Draw(SKBitmap image, IReadOnlyList<Detection> detections, DrawOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(detections);
        options ??= DrawOptions.Default;
        // Skia cannot draw into unpremultiplied pixels (our decoder's output), so draw onto a premultiplied copy.
        var target = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Bgra8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(target);
        canvas.Clear(SKColors.Black);
        canvas.DrawBitmap(image, 0, 0);
        var scale = Math.Max(image.Width, image.Height);
        var line = options.LineWidth > 0 ? options.LineWidth : MathF.Max(2f, scale / 300f);
        var fontSize = options.FontSize > 0 ? options.FontSize : MathF.Max(12f, scale / 45f);
        using var stroke = new SKPaint { Style = SKPaintStyle.Stroke, StrokeWidth = line, IsAntialias = true };
        using var fill = new SKPaint { Style = SKPaintStyle.Fill, IsAntialias = true };
        using var text = new SKPaint { Color = SKColors.White, IsAntialias = true };
        using var font = new SKFont(SKTypeface.Default, fontSize);
        foreach (var d in detections)
        {
            var color = ColorOf(d.ClassId);
            stroke.Color = color;
            var rect = new SKRect(d.Box.X1, d.Box.Y1, d.Box.X2, d.Box.Y2);
            canvas.DrawRect(rect, stroke);
            var label = options.ShowScores ? $"{d.ClassName} {d.Score * 100:F1}%" : d.ClassName;
            var width = font.MeasureText(label);
            var top = rect.Top - fontSize * 1.25f >= 0 ? rect.Top - fontSize * 1.25f : rect.Top;
            fill.Color = color.WithAlpha(200);
            canvas.DrawRect(new SKRect(rect.Left, top, rect.Left + width + 6, top + fontSize * 1.25f), fill);
            canvas.DrawText(label, rect.Left + 3, top + fontSize, SKTextAlign.Left, font, text);
        }
        return target;
    }

    /// <summary>Saves <paramref name="image"/> as PNG, JPEG or WebP, chosen by the file extension.</summary>
    /// <exception cref="ArgumentException">The extension is not .png, .jpg, .jpeg or .webp.</exception>
    public static void Save(SKBitmap image, string path, int quality = 95)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var format = Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".png" => SKEncodedImageFormat.Png,
            ".jpg" or ".jpeg" => SKEncodedImageFormat.Jpeg,
            ".webp" => SKEncodedImageFormat.Webp,
            var other => throw new ArgumentException($"Cannot save '{path}': unknown image extension '{other}' (use .png, .jpg, .jpeg or .webp).", nameof(path)),
        };
        using var data = image.Encode(format, quality)
            ?? throw new IOException($"SkiaSharp could not encode '{path}' as {format}.");
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }
        using var file = File.Create(path);
        data.SaveTo(file);
    }

    /// <summary>A distinct, stable colour per class id (hues spaced by the golden angle).</summary>
    public static SKColor ColorOf(int classId) =>
        SKColor.FromHsv((classId * 137.508f) % 360f, 75f, 95f);
}
