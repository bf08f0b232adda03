namespace YoloX.Core;

/// <summary>One official release file of a preset's COCO weights (release 0.1.1rc0).</summary>
/// <param name="FileName">The release asset name, e.g. <c>yolox_nano.onnx</c>.</param>
/// <param name="Sha256">SHA-256 of bytes we have verified, or <c>null</c> where no copy has been checked.</param>
public sealed record YoloXWeightFile(string FileName, string? Sha256)
{
    /// <summary>True for an ONNX export, false for a PyTorch checkpoint.</summary>
    public bool IsOnnx => FileName.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);
}
