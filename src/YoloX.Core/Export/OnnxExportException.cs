namespace YoloX.Core.Export;

/// <summary>A model cannot be exported to ONNX (for example it contains a module type without an emitter).</summary>
public sealed class OnnxExportException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OnnxExportException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
