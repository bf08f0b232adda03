namespace YoloX.Inference;

/// <summary>An image could not be decoded: the file is not an image, is truncated or corrupt, or is too large.</summary>
public sealed class ImageDecodeException : FormatException
{
    /// <summary>Creates the exception for the image <paramref name="source"/>.</summary>
    /// <param name="source">The image's path or caller-given name.</param>
    /// <param name="problem">What is wrong, in a few words.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public ImageDecodeException(string source, string problem, Exception? inner = null)
        : base($"Cannot decode image '{source}': {problem}", inner)
    {
        ImageSource = source;
        Problem = problem;
    }

    /// <summary>The image's path or caller-given name.</summary>
    public string ImageSource { get; }

    /// <summary>What is wrong with the image.</summary>
    public string Problem { get; }
}

/// <summary>A model file loads but is not a YOLOX detector this library can run (wrong input or output layout).</summary>
public sealed class InvalidModelException : FormatException
{
    /// <summary>Creates the exception for the model file <paramref name="modelPath"/>.</summary>
    /// <param name="modelPath">The model file.</param>
    /// <param name="problem">What is wrong, in a few words.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public InvalidModelException(string modelPath, string problem, Exception? inner = null)
        : base($"'{modelPath}' is not a usable YOLOX detector: {problem}", inner)
    {
        ModelPath = modelPath;
        Problem = problem;
    }

    /// <summary>The model file.</summary>
    public string ModelPath { get; }

    /// <summary>What is wrong with the model.</summary>
    public string Problem { get; }
}

/// <summary>Weights could not be found locally and could not be downloaded.</summary>
public sealed class WeightsNotFoundException : FileNotFoundException
{
    /// <summary>Creates the exception for the weights <paramref name="weights"/>.</summary>
    /// <param name="weights">The path or official name that was asked for.</param>
    /// <param name="message">The full explanation, including where to put the file.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public WeightsNotFoundException(string weights, string message, Exception? inner = null)
        : base(message, weights, inner)
    {
    }
}

/// <summary>A weights download failed: the connection broke, the file was truncated or its checksum is wrong.</summary>
public sealed class WeightsDownloadException : IOException
{
    /// <summary>Creates the exception for the download of <paramref name="url"/>.</summary>
    /// <param name="url">The address downloaded from.</param>
    /// <param name="problem">What went wrong.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public WeightsDownloadException(Uri url, string problem, Exception? inner = null)
        : base($"Downloading '{url}' failed: {problem}", inner)
    {
        Url = url;
        Problem = problem;
    }

    /// <summary>The address downloaded from.</summary>
    public Uri Url { get; }

    /// <summary>What went wrong.</summary>
    public string Problem { get; }
}
