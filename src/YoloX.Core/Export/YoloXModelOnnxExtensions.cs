namespace YoloX.Core.Export;

/// <summary><c>model.ExportOnnx(path, options)</c>.</summary>
public static class YoloXModelOnnxExtensions
{
    /// <summary>Exports the model to an ONNX file (see <see cref="OnnxExporter.Export"/>).</summary>
    /// <exception cref="OnnxExportException">The model cannot be exported.</exception>
    public static void ExportOnnx(this YoloXModel model, string path, OnnxExportOptions? options = null,
        CancellationToken cancellationToken = default) =>
        OnnxExporter.Export(model, path, options, cancellationToken);
}
