namespace QuickStart;

/// <summary>
/// The QuickStart's settings. README.md lists what the defaults measured.
/// </summary>
public sealed record QuickStartOptions
{
    /// <summary>Where the checkpoint, the ONNX file, the annotated PNG and summary.json go.</summary>
    public string OutputDirectory { get; init; } = "quickstart-output";

    /// <summary>Seeds the drawing, the weight init and the data stream.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Training images.</summary>
    public int TrainImages { get; init; } = 512;

    /// <summary>Validation images (a separate draw).</summary>
    public int ValidationImages { get; init; } = 64;

    /// <summary>Square image and network input size (a multiple of 32).</summary>
    public int InputSize { get; init; } = 160;

    /// <summary>Training epochs.</summary>
    public int Epochs { get; init; } = 12;

    /// <summary>Images per iteration.</summary>
    public int BatchSize { get; init; } = 8;

    /// <summary>Learning rate per image of the batch (the official recipe uses 0.01 / 64).</summary>
    public double LearningRatePerImage { get; init; } = 0.16 / 64;
}
