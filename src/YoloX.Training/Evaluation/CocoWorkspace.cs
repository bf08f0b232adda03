namespace YoloX.Training.Evaluation;

/// <summary>Reusable per-thread scratch buffers for one (image, category) pair.</summary>
internal sealed class CocoWorkspace
{
    public double[] Ious = new double[256];
    public int[] DetectionOrder = new int[128];
    public int[] GroundTruthOrder = new int[64];
    public bool[] GroundTruthIgnore = new bool[64];
    public bool[] GroundTruthMatched = new bool[64];
    public int[] Selection = new int[1024];
    public int[] Ranked = new int[1024];
    public double[] Recall = new double[1024];
    public double[] Precision = new double[1024];

    public static T[] Ensure<T>(ref T[] buffer, int size)
    {
        if (buffer.Length < size)
        {
            buffer = new T[Math.Max(size, buffer.Length * 2)];
        }
        return buffer;
    }
}
