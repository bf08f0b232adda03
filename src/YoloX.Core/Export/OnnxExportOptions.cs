namespace YoloX.Core.Export;

/// <summary>
/// How <see cref="OnnxExporter"/> writes a model. The defaults give the official layout: input <c>images</c>
/// <c>[1, 3, H, W]</c>, output <c>output</c> <c>[1, N, 5 + C]</c> with raw boxes, opset 11.
/// </summary>
public sealed record OnnxExportOptions
{
    /// <summary>The lowest opset we write (the official exporter's).</summary>
    public const int MinOpset = 11;

    /// <summary>The highest opset we write (every operator we use is unchanged from 11 up to here).</summary>
    public const int MaxOpset = 17;

    /// <summary>The official layout.</summary>
    public static OnnxExportOptions Default { get; } = new();

    /// <summary>ONNX opset version, <see cref="MinOpset"/>–<see cref="MaxOpset"/>.</summary>
    public int Opset { get; init; } = MinOpset;

    /// <summary>Decode boxes in the graph to (cx, cy, w, h) in input pixels; otherwise they stay raw as in the official export.</summary>
    public bool Decode { get; init; }

    /// <summary>
    /// Append ONNX <c>NonMaxSuppression</c> after decoding; the output becomes <c>[K, 7]</c> rows of
    /// (batch index, x1, y1, x2, y2, score, class). Implies <see cref="Decode"/>.
    /// </summary>
    public bool Nms { get; init; }

    /// <summary>NMS: a box scoring at most this (objectness × best class probability) is dropped.</summary>
    public float NmsScoreThreshold { get; init; } = 0.3f;

    /// <summary>NMS: IoU above which a lower-scored box of the same class is suppressed.</summary>
    public float NmsIouThreshold { get; init; } = 0.45f;

    /// <summary>NMS: most boxes kept per image and class.</summary>
    public int MaxDetections { get; init; } = 300;

    /// <summary>Make the batch dimension symbolic (<c>batch</c>) instead of <see cref="BatchSize"/>.</summary>
    public bool DynamicBatch { get; init; }

    /// <summary>Make height and width symbolic (<c>height</c>, <c>width</c>); they must then be multiples of the largest stride.</summary>
    public bool DynamicInputSize { get; init; }

    /// <summary>The fixed batch size when <see cref="DynamicBatch"/> is off.</summary>
    public int BatchSize { get; init; } = 1;

    /// <summary>Input width; the model's <see cref="YoloXConfig.InputSize"/> when null.</summary>
    public int? InputWidth { get; init; }

    /// <summary>Input height; the model's <see cref="YoloXConfig.InputSize"/> when null.</summary>
    public int? InputHeight { get; init; }

    /// <summary>Class names stored in the file's metadata (one per class); none when null.</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>Name of the image input.</summary>
    public string InputName { get; init; } = "images";

    /// <summary>Name of the output.</summary>
    public string OutputName { get; init; } = "output";

    /// <summary>Checks the values; throws <see cref="ArgumentException"/> naming the bad one.</summary>
    public OnnxExportOptions Validate()
    {
        if (Opset is < MinOpset or > MaxOpset)
        {
            throw new ArgumentOutOfRangeException(nameof(Opset), Opset, $"The opset must be {MinOpset}–{MaxOpset}.");
        }
        if (!(NmsScoreThreshold >= 0f && NmsScoreThreshold <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(NmsScoreThreshold), NmsScoreThreshold, "The NMS score threshold must be in [0, 1].");
        }
        if (!(NmsIouThreshold > 0f && NmsIouThreshold <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(NmsIouThreshold), NmsIouThreshold, "The NMS IoU threshold must be in (0, 1].");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDetections, 1, nameof(MaxDetections));
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        if (InputWidth is <= 0 || InputHeight is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(InputWidth), "The input size must be positive.");
        }
        ArgumentException.ThrowIfNullOrWhiteSpace(InputName, nameof(InputName));
        ArgumentException.ThrowIfNullOrWhiteSpace(OutputName, nameof(OutputName));
        if (InputName == OutputName)
        {
            throw new ArgumentException("The input and output names must differ.", nameof(OutputName));
        }
        return this;
    }
}
