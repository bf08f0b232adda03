namespace YoloX.Inference.Processing;

/// <summary>
/// The anchor points of a YOLOX head: one per cell of each stride's grid, levels in stride order, then rows, then
/// columns (the official order of the flattened head outputs).
/// </summary>
public sealed class AnchorGrid
{
    /// <summary>The official strides of the three FPN levels.</summary>
    public static readonly IReadOnlyList<int> DefaultStrides = [8, 16, 32];

    private readonly float[] _x;
    private readonly float[] _y;
    private readonly float[] _stride;

    /// <summary>Builds the grid for an input of <paramref name="inputWidth"/> × <paramref name="inputHeight"/>.</summary>
    public AnchorGrid(int inputWidth, int inputHeight, IReadOnlyList<int>? strides = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputHeight);
        Strides = [.. strides ?? DefaultStrides];
        InputWidth = inputWidth;
        InputHeight = inputHeight;
        var count = Strides.Sum(s => CountFor(inputWidth, inputHeight, s));
        (_x, _y, _stride) = (new float[count], new float[count], new float[count]);
        var i = 0;
        foreach (var s in Strides)
        {
            // Each level's feature map is the input downsampled by its stride (the stride-2 convolutions round up).
            var (w, h) = ((inputWidth + s - 1) / s, (inputHeight + s - 1) / s);
            for (var gy = 0; gy < h; gy++)
            {
                for (var gx = 0; gx < w; gx++, i++)
                {
                    (_x[i], _y[i], _stride[i]) = (gx, gy, s);
                }
            }
        }
    }

    /// <summary>The strides, one per level.</summary>
    public IReadOnlyList<int> Strides { get; }

    /// <summary>Input width in pixels.</summary>
    public int InputWidth { get; }

    /// <summary>Input height in pixels.</summary>
    public int InputHeight { get; }

    /// <summary>Total number of anchors (e.g. 3549 at 416×416).</summary>
    public int Count => _x.Length;

    /// <summary>Grid column of each anchor.</summary>
    public ReadOnlySpan<float> X => _x;

    /// <summary>Grid row of each anchor.</summary>
    public ReadOnlySpan<float> Y => _y;

    /// <summary>Stride of each anchor.</summary>
    public ReadOnlySpan<float> Stride => _stride;

    /// <summary>Number of anchors a head with the default strides has for this input size.</summary>
    public static int CountFor(int inputWidth, int inputHeight) =>
        DefaultStrides.Sum(s => CountFor(inputWidth, inputHeight, s));

    private static int CountFor(int inputWidth, int inputHeight, int stride) =>
        ((inputWidth + stride - 1) / stride) * ((inputHeight + stride - 1) / stride);
}
