using SkiaSharp;
using YoloX.Training.Augmentation;

namespace QuickStart;

/// <summary>
/// Draws a seeded detection dataset in memory: circles, squares and triangles on noisy, textured, greyish
/// backgrounds. Each class has its own hue family (circles red to orange, squares green, triangles blue; saturation,
/// brightness and hue jittered) as well as its own shape: the task is meant to be easy for a model trained from
/// scratch for a few minutes (see README.md for what the current recipe reaches).
/// </summary>
public static class SyntheticShapes
{
    /// <summary>The three classes, in class-id order.</summary>
    public static IReadOnlyList<string> ClassNames { get; } = ["circle", "square", "triangle"];

    /// <summary>Draws <paramref name="count"/> images of <paramref name="size"/>² pixels from <paramref name="seed"/>.</summary>
    public static IReadOnlyList<SyntheticImage> Generate(int count, int size, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 96);
        var random = new Random(seed);
        var images = new SyntheticImage[count];
        for (var i = 0; i < count; i++)
        {
            images[i] = Draw(random, size);
        }
        return images;
    }

    private static SyntheticImage Draw(Random random, int size)
    {
        var bitmap = new SKBitmap(new SKImageInfo(size, size, SKColorType.Bgra8888, SKAlphaType.Opaque));
        var background = Greyish(random);
        PaintNoisyBackground(bitmap, background, random);
        using var canvas = new SKCanvas(bitmap);
        DrawTexture(canvas, background, size, random);
        var boxes = new List<LabeledBox>();
        var wanted = random.Next(1, 5);
        for (var attempt = 0; attempt < 40 && boxes.Count < wanted; attempt++)
        {
            var side = random.Next(size / 8, size / 3);
            var x = random.Next(2, size - side - 2);
            var y = random.Next(2, size - side - 2);
            var box = new LabeledBox(x, y, x + side, y + side, random.Next(ClassNames.Count));
            if (boxes.Any(b => Overlaps(b, box)))
            {
                continue;
            }
            var colour = ClassColor(random, box.ClassId, background);
            boxes.Add(DrawShape(canvas, box, colour));
        }
        return new SyntheticImage(bitmap, [.. boxes]);
    }

    private static LabeledBox DrawShape(SKCanvas canvas, LabeledBox box, SKColor colour)
    {
        using var paint = new SKPaint { Color = colour, IsAntialias = true, Style = SKPaintStyle.Fill };
        float x1 = (float)box.X1, y1 = (float)box.Y1, x2 = (float)box.X2, y2 = (float)box.Y2;
        switch (box.ClassId)
        {
            case 0:
                canvas.DrawOval(new SKRect(x1, y1, x2, y2), paint);
                return box;
            case 1:
                canvas.DrawRect(new SKRect(x1, y1, x2, y2), paint);
                return box;
            default:
                using (var path = new SKPath())
                {
                    path.MoveTo((x1 + x2) / 2, y1);
                    path.LineTo(x2, y2);
                    path.LineTo(x1, y2);
                    path.Close();
                    canvas.DrawPath(path, paint);
                }
                return box;
        }
    }

    private static void PaintNoisyBackground(SKBitmap bitmap, SKColor colour, Random random)
    {
        var pixels = bitmap.GetPixelSpan();
        // A slow gradient plus per-pixel noise: no two backgrounds are flat or alike.
        var gx = random.Next(-40, 41) / (double)bitmap.Width;
        var gy = random.Next(-40, 41) / (double)bitmap.Height;
        for (var y = 0; y < bitmap.Height; y++)
        {
            var row = pixels.Slice(y * bitmap.RowBytes, bitmap.Width * 4);
            for (var x = 0; x < bitmap.Width; x++)
            {
                var shade = gx * x + gy * y;
                row[x * 4] = Clamp(colour.Blue + shade + random.Next(-24, 25));
                row[x * 4 + 1] = Clamp(colour.Green + shade + random.Next(-24, 25));
                row[x * 4 + 2] = Clamp(colour.Red + shade + random.Next(-24, 25));
                row[x * 4 + 3] = 255;
            }
        }
    }

    private static void DrawTexture(SKCanvas canvas, SKColor background, int size, Random random)
    {
        // Thin strokes and small specks: clutter that is none of the three shapes.
        using var paint = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Stroke };
        for (var i = random.Next(4, 12); i > 0; i--)
        {
            paint.Color = Shift(background, random.Next(-70, 71));
            paint.StrokeWidth = random.Next(1, 4);
            canvas.DrawLine(random.Next(size), random.Next(size), random.Next(size), random.Next(size), paint);
        }
        paint.Style = SKPaintStyle.Fill;
        for (var i = random.Next(10, 40); i > 0; i--)
        {
            paint.Color = Shift(background, random.Next(-80, 81));
            canvas.DrawCircle(random.Next(size), random.Next(size), random.Next(1, 4), paint);
        }
    }

    private static bool Overlaps(LabeledBox a, LabeledBox b) =>
        a.X1 < b.X2 + 4 && b.X1 < a.X2 + 4 && a.Y1 < b.Y2 + 4 && b.Y1 < a.Y2 + 4;

    private static SKColor ClassColor(Random random, int classId, SKColor background)
    {
        // Hue families 0° (red), 120° (green), 230° (blue), ±20°; retried until it stands out from the background.
        var hue = ((classId switch { 0 => 0, 1 => 120, _ => 230 }) + random.Next(-20, 21) + 360) % 360;
        SKColor colour;
        var tries = 0;
        do
        {
            colour = SKColor.FromHsv(hue, random.Next(55, 101), random.Next(45, 101));
        }
        while (Distance(colour, background) < 120 && ++tries < 20);
        return colour;
    }

    private static int Distance(SKColor a, SKColor b) =>
        Math.Abs(a.Red - b.Red) + Math.Abs(a.Green - b.Green) + Math.Abs(a.Blue - b.Blue);

    private static SKColor Greyish(Random random)
    {
        var grey = random.Next(30, 226);
        return new SKColor(Clamp(grey + random.Next(-20, 21)), Clamp(grey + random.Next(-20, 21)), Clamp(grey + random.Next(-20, 21)));
    }

    private static SKColor Shift(SKColor c, int delta) =>
        new(Clamp(c.Red + delta), Clamp(c.Green + delta), Clamp(c.Blue + delta));

    private static byte Clamp(double v) => (byte)Math.Clamp((int)Math.Round(v), 0, 255);
}
