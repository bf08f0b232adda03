namespace YoloX.Training.Augmentation;

/// <summary>Which OpenCV 8-bit HSV→BGR arithmetic <see cref="HsvAugment"/> reproduces.</summary>
public enum HsvRounding
{
    /// <summary>
    /// OpenCV 4.x on x86-64 with AVX2 (the usual build of the official pipeline): per row, the first ⌊W/32⌋·32 pixels
    /// through its SIMD kernel (fused <c>1 − s·h</c> terms, <c>x·255</c> truncated), the rest through its scalar code
    /// (rounded). Bit-exact with the golden fixtures' OpenCV 4.6.
    /// </summary>
    OpenCvAvx2,

    /// <summary>OpenCV's portable scalar formula everywhere (float32, rounded): within one grey level of any build.</summary>
    OpenCvScalar,
}
