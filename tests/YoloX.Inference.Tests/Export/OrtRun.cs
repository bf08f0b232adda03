using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace YoloX.Inference.Tests.Export;

/// <summary>Runs an ONNX file directly with ONNX Runtime (one input, first output).</summary>
internal static class OrtRun
{
    public static (float[] Data, long[] Shape) Run(string path, float[] input, long[] shape)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 2 };
        using var session = new InferenceSession(path, options);
        using var value = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var results = session.Run(new RunOptions(), [session.InputNames[0]], [value], [session.OutputNames[0]]);
        var output = results[0];
        return (output.GetTensorDataAsSpan<float>().ToArray(), output.GetTensorTypeAndShape().Shape);
    }

    /// <summary>The file's custom metadata.</summary>
    public static IReadOnlyDictionary<string, string> Metadata(string path)
    {
        using var session = new InferenceSession(path);
        return new Dictionary<string, string>(session.ModelMetadata.CustomMetadataMap);
    }
}
