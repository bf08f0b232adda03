namespace YoloX.Training.Augmentation;

/// <summary>
/// The official <c>random_affine</c>: rotation and scale about the top-left corner, shear, and a translation that
/// replaces the matrix's; the output is the <see cref="TargetWidth"/>×<see cref="TargetHeight"/> window at the
/// origin, pad 114. Each box becomes the enclosing box of its four warped corners, clipped to the window and kept
/// even when empty (the official code does not filter here; <see cref="TrainTransform"/> drops boxes under 1 px).
/// Draws six <c>random.uniform</c>: angle, scale, shear x, shear y, translate x, translate y.
/// </summary>
/// <param name="TargetWidth">Output width.</param>
/// <param name="TargetHeight">Output height.</param>
/// <param name="Degrees">Rotation range ±degrees.</param>
/// <param name="Translate">Translation range ± this fraction of the output size.</param>
/// <param name="Scale">Scale range.</param>
/// <param name="Shear">Shear range ±degrees.</param>
public sealed record RandomAffine(
    int TargetWidth, int TargetHeight, double Degrees, double Translate, (double Low, double High) Scale, double Shear)
    : IAugmentation
{
    /// <inheritdoc />
    public LabeledImage Apply(LabeledImage sample, AugmentationContext context)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(context);
        Span<double> m = stackalloc double[6];
        DrawMatrix(context.Random, m);
        var image = OpenCvWarpAffine.Linear(sample.Image, m, TargetWidth, TargetHeight, 114);
        var boxes = sample.Boxes;
        for (var i = 0; i < boxes.Length; i++)
            boxes[i] = TransformBox(boxes[i], m, TargetWidth, TargetHeight);
        return new LabeledImage(image, boxes);
    }

    /// <summary>The official <c>get_affine_matrix</c> with its six draws, into a row-major 2×3 matrix.</summary>
    public void DrawMatrix(IRandomSource random, Span<double> m)
    {
        ArgumentNullException.ThrowIfNull(random);
        var angle = random.Uniform(-Degrees, Degrees);
        var scale = random.Uniform(Scale.Low, Scale.High);
        if (!(scale > 0))
            throw new ArgumentOutOfRangeException(nameof(Scale), scale, "The affine scale must be positive.");
        var shearX = Math.Tan(random.Uniform(-Shear, Shear) * Math.PI / 180);
        var shearY = Math.Tan(random.Uniform(-Shear, Shear) * Math.PI / 180);
        // cv2.getRotationMatrix2D(center=(0, 0), angle, scale) = [[a, b, 0], [-b, a, 0]], a = s·cos, b = s·sin.
        var radians = angle * Math.PI / 180;
        var a = Math.Cos(radians) * scale;
        var b = Math.Sin(radians) * scale;
        // Row 0 takes shear_y, row 1 shear_x, as the official code does.
        m[0] = a + shearY * -b;
        m[1] = b + shearY * a;
        m[3] = -b + shearX * a;
        m[4] = a + shearX * b;
        m[2] = random.Uniform(-Translate, Translate) * TargetWidth;
        m[5] = random.Uniform(-Translate, Translate) * TargetHeight;
    }

    /// <summary>The enclosing box of the four warped corners, clipped to [0, width] × [0, height] (never dropped).</summary>
    public static LabeledBox TransformBox(LabeledBox box, ReadOnlySpan<double> m, int width, int height)
    {
        Span<double> xs = [box.X1, box.X2, box.X1, box.X2];
        Span<double> ys = [box.Y1, box.Y2, box.Y2, box.Y1];
        double minX = double.PositiveInfinity, minY = double.PositiveInfinity;
        double maxX = double.NegativeInfinity, maxY = double.NegativeInfinity;
        for (var k = 0; k < 4; k++)
        {
            var x = xs[k] * m[0] + ys[k] * m[1] + m[2];
            var y = xs[k] * m[3] + ys[k] * m[4] + m[5];
            minX = Math.Min(minX, x);
            maxX = Math.Max(maxX, x);
            minY = Math.Min(minY, y);
            maxY = Math.Max(maxY, y);
        }
        return box with
        {
            X1 = Math.Clamp(minX, 0, width), Y1 = Math.Clamp(minY, 0, height),
            X2 = Math.Clamp(maxX, 0, width), Y2 = Math.Clamp(maxY, 0, height),
        };
    }
}
