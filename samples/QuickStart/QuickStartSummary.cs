namespace QuickStart;

/// <summary>What one QuickStart run produced and measured (also written as summary.json).</summary>
/// <param name="Seed">The seed used.</param>
/// <param name="Epochs">Epochs trained.</param>
/// <param name="Iterations">Training iterations.</param>
/// <param name="TrainSeconds">Wall time of training.</param>
/// <param name="TotalSeconds">Wall time of the whole run (drawing to PNG).</param>
/// <param name="TorchAP">COCO AP50:95 of the trained (EMA) model on the validation split, TorchSharp backend.</param>
/// <param name="TorchAP50">COCO AP50, TorchSharp backend.</param>
/// <param name="OnnxAP">COCO AP50:95 of the exported ONNX file on the validation split, ONNX Runtime backend.</param>
/// <param name="OnnxAP50">COCO AP50, ONNX Runtime backend.</param>
/// <param name="ShownObjects">Objects drawn in the image detected with both backends.</param>
/// <param name="TorchDetections">Detections (confidence ≥ 0.3) of the TorchSharp backend on that image.</param>
/// <param name="OnnxDetections">Detections (confidence ≥ 0.3) of the ONNX Runtime backend on that image.</param>
/// <param name="CheckpointPath">The trained model (our checkpoint format, EMA weights).</param>
/// <param name="OnnxPath">The exported ONNX file.</param>
/// <param name="PngPath">The annotated validation image.</param>
public sealed record QuickStartSummary(
    int Seed, int Epochs, long Iterations, double TrainSeconds, double TotalSeconds,
    double TorchAP, double TorchAP50, double OnnxAP, double OnnxAP50,
    int ShownObjects, int TorchDetections, int OnnxDetections,
    string CheckpointPath, string OnnxPath, string PngPath);
