namespace YoloX.Inference.Processing;

/// <summary>How an image was placed on the model's input canvas.</summary>
/// <param name="Ratio">Scale factor r = min(inputH / h, inputW / w); boxes in the input map back by ÷ r.</param>
/// <param name="ResizedWidth">Width of the resized image on the canvas, int(w · r).</param>
/// <param name="ResizedHeight">Height of the resized image on the canvas, int(h · r).</param>
/// <param name="OriginalWidth">The image's width.</param>
/// <param name="OriginalHeight">The image's height.</param>
public readonly record struct LetterboxInfo(
    double Ratio, int ResizedWidth, int ResizedHeight, int OriginalWidth, int OriginalHeight)
{
    /// <summary>Computes the official letterbox geometry (Python double arithmetic, truncation to int).</summary>
    public static LetterboxInfo For(int width, int height, int inputWidth, int inputHeight)
    {
        var r = Math.Min((double)inputHeight / height, (double)inputWidth / width);
        var rw = Math.Clamp((int)(width * r), 1, inputWidth);
        var rh = Math.Clamp((int)(height * r), 1, inputHeight);
        return new LetterboxInfo(r, rw, rh, width, height);
    }
}
