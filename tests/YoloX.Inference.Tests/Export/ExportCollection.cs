namespace YoloX.Inference.Tests.Export;

/// <summary>
/// The export tests hold several large models and files (Darknet53: 255 MB per file) at once; running them one after
/// another keeps the test host's memory bounded on a shared 2-core machine.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ExportCollection
{
    public const string Name = "ONNX export";
}
