namespace YoloX.Samples.WebApi;

/// <summary>Limits on what <c>POST /detect</c> accepts (configuration section <c>Upload</c>).</summary>
public sealed class UploadLimits
{
    /// <summary>Largest request body in bytes (Kestrel and the multipart reader both enforce it).</summary>
    public long MaxRequestBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Largest image in pixels (width × height), checked from the header before decoding.</summary>
    public long MaxPixels { get; set; } = 40_000_000;
}
