namespace YoloX.Training.Augmentation;

/// <summary>
/// One object box in pixels as the official augmentations carry it: corners <c>[x1, y1, x2, y2]</c> (float64) and
/// the contiguous class id.
/// </summary>
/// <param name="X1">Left edge.</param>
/// <param name="Y1">Top edge.</param>
/// <param name="X2">Right edge.</param>
/// <param name="Y2">Bottom edge.</param>
/// <param name="ClassId">Contiguous 0-based class index.</param>
public readonly record struct LabeledBox(double X1, double Y1, double X2, double Y2, int ClassId)
{
    /// <summary>X2 − X1.</summary>
    public double Width => X2 - X1;

    /// <summary>Y2 − Y1.</summary>
    public double Height => Y2 - Y1;
}
