namespace YoloX.Training.Augmentation;

/// <summary>
/// YOLOv5's <c>random_perspective</c> as MindYOLO's YOLOX recipe runs it after its Mosaic
/// (<c>mindyolo/data/dataset.py</c>, perspective 0, so an affine warp): the matrix
/// <c>M = T·S·R·P·C</c> moves the input's centre to the origin (C), rotates and scales about it (R, OpenCV's
/// <c>getRotationMatrix2D</c>), shears (S) and moves the origin to <c>uniform(0.5 ± translate)</c> of the output size
/// (T); the output is the <see cref="TargetWidth"/>×<see cref="TargetHeight"/> window, pad 114. Each box becomes the
/// enclosing box of its four warped corners, clipped to the window, and is kept only if it passes
/// <see cref="IsCandidate"/> (YOLOv5's <c>box_candidates</c>) — unlike the official YOLOX affine, which keeps every box.
/// Draws seven <c>random.uniform</c>: two perspective terms (<c>uniform(−0, 0)</c>, drawn though always 0), angle,
/// scale, shear x, shear y, translate x, translate y.
/// </summary>
/// <param name="TargetWidth">Output width (MindYOLO: the Mosaic canvas minus its border, the input size).</param>
/// <param name="TargetHeight">Output height.</param>
/// <param name="Degrees">Rotation range ±degrees (MindYOLO's YOLOX recipe 10).</param>
/// <param name="Translate">The window's origin at 0.5 ± this fraction of the output size (0.1).</param>
/// <param name="Scale">Scale range (MindYOLO's <c>scale: 0.9</c> is (0.1, 1.9)).</param>
/// <param name="Shear">Shear range ±degrees (2).</param>
public sealed record RandomPerspective(
    int TargetWidth, int TargetHeight, double Degrees, double Translate, (double Low, double High) Scale, double Shear)
    : IAugmentation
{
    /// <summary>Boxes narrower or lower than this many pixels after the warp are dropped (YOLOv5 <c>wh_thr</c> 2).</summary>
    public const double MinSide = 2;

    /// <summary>Boxes with a longer side over this many times the shorter are dropped (<c>ar_thr</c> 20).</summary>
    public const double MaxAspectRatio = 20;

    /// <summary>Boxes keeping less than this fraction of their scaled area are dropped (<c>area_thr</c> 0.1, boxes without segments).</summary>
    public const double MinAreaRatio = 0.1;

    /// <inheritdoc />
    public LabeledImage Apply(LabeledImage sample, AugmentationContext context)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(context);
        Span<double> m = stackalloc double[6];
        var scale = DrawMatrix(context.Random, sample.Image.Width, sample.Image.Height, m);
        var image = OpenCvWarpAffine.Linear(sample.Image, m, TargetWidth, TargetHeight, 114);
        var kept = new List<LabeledBox>(sample.Boxes.Length);
        foreach (var box in sample.Boxes)
        {
            var warped = RandomAffine.TransformBox(box, m, TargetWidth, TargetHeight);
            if (IsCandidate(box, warped, scale))
                kept.Add(warped);
        }
        return new LabeledImage(image, [.. kept]);
    }

    /// <summary>
    /// Draws the seven uniforms and writes <c>(T·S·R·P·C)[:2]</c> for a <paramref name="sourceWidth"/> ×
    /// <paramref name="sourceHeight"/> input into <paramref name="m"/> (row-major 2×3); returns the scale drawn.
    /// The product is taken left to right, as NumPy evaluates <c>T @ S @ R @ P @ C</c>.
    /// </summary>
    public double DrawMatrix(IRandomSource random, int sourceWidth, int sourceHeight, Span<double> m)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (m.Length != 6)
            throw new ArgumentException("An affine matrix has 6 values.", nameof(m));
        var c = Identity();
        c[2] = -sourceWidth / 2.0;
        c[5] = -sourceHeight / 2.0;
        var p = Identity();
        p[6] = random.Uniform(-0.0, 0.0);
        p[7] = random.Uniform(-0.0, 0.0);
        var angle = random.Uniform(-Degrees, Degrees);
        var scale = random.Uniform(Scale.Low, Scale.High);
        if (!(scale > 0))
            throw new ArgumentOutOfRangeException(nameof(Scale), scale, "The perspective scale must be positive.");
        // cv2.getRotationMatrix2D(center=(0, 0), angle, scale) = [[a, b, 0], [-b, a, 0]], a = s·cos, b = s·sin.
        var radians = angle * Math.PI / 180;
        var r = Identity();
        (r[0], r[1], r[3], r[4]) = (Math.Cos(radians) * scale, Math.Sin(radians) * scale, -Math.Sin(radians) * scale, Math.Cos(radians) * scale);
        var s = Identity();
        s[1] = Math.Tan(random.Uniform(-Shear, Shear) * Math.PI / 180);
        s[3] = Math.Tan(random.Uniform(-Shear, Shear) * Math.PI / 180);
        var t = Identity();
        t[2] = random.Uniform(0.5 - Translate, 0.5 + Translate) * TargetWidth;
        t[5] = random.Uniform(0.5 - Translate, 0.5 + Translate) * TargetHeight;
        var product = Multiply(Multiply(Multiply(Multiply(t, s), r), p), c);
        product.AsSpan(0, 6).CopyTo(m);
        return scale;
    }

    /// <summary>
    /// YOLOv5's <c>box_candidates(box1 = before · scale, box2 = after)</c>: the warped box is wider and higher than
    /// <see cref="MinSide"/>, keeps more than <see cref="MinAreaRatio"/> of the scaled original's area and its aspect
    /// ratio (either way) is under <see cref="MaxAspectRatio"/> (eps 1e-16 as YOLOv5).
    /// </summary>
    public static bool IsCandidate(LabeledBox before, LabeledBox after, double scale)
    {
        const double eps = 1e-16;
        var (w1, h1) = ((before.X2 * scale) - (before.X1 * scale), (before.Y2 * scale) - (before.Y1 * scale));
        var (w2, h2) = (after.X2 - after.X1, after.Y2 - after.Y1);
        var aspect = Math.Max(w2 / (h2 + eps), h2 / (w2 + eps));
        return w2 > MinSide && h2 > MinSide && w2 * h2 / (w1 * h1 + eps) > MinAreaRatio && aspect < MaxAspectRatio;
    }

    private static double[] Identity() => [1, 0, 0, 0, 1, 0, 0, 0, 1];

    // Row-major 3×3 product, each element summed over k in order (NumPy's loop order).
    private static double[] Multiply(double[] a, double[] b)
    {
        var result = new double[9];
        for (var i = 0; i < 3; i++)
        {
            for (var j = 0; j < 3; j++)
                result[(i * 3) + j] = (a[i * 3] * b[j]) + (a[(i * 3) + 1] * b[3 + j]) + (a[(i * 3) + 2] * b[6 + j]);
        }
        return result;
    }
}
