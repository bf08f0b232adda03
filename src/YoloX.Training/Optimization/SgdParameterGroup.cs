using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace YoloX.Training.Optimization;

/// <summary>
/// One parameter group of <see cref="YoloXSgd"/>: its parameters (with their state-dict names), weight decay and
/// current learning rate.
/// </summary>
public sealed class SgdParameterGroup
{
    internal SgdParameterGroup(string name, double weightDecay, IReadOnlyList<(string Name, Parameter Parameter)> parameters)
    {
        Name = name;
        WeightDecay = weightDecay;
        ParameterNames = [.. parameters.Select(p => p.Name)];
        Parameters = [.. parameters.Select(p => p.Parameter)];
    }

    /// <summary>The official group name: <c>pg0</c> (BN weights, no decay), <c>pg1</c> (conv/linear weights, decay), <c>pg2</c> (biases, no decay).</summary>
    public string Name { get; }

    /// <summary>L2 weight decay added to the gradient (<c>d_p = grad + wd·p</c>).</summary>
    public double WeightDecay { get; }

    /// <summary>The learning rate of the next <see cref="YoloXSgd.Step"/>.</summary>
    public double LearningRate { get; set; }

    /// <summary>State-dict names of the parameters, in group order.</summary>
    public IReadOnlyList<string> ParameterNames { get; }

    /// <summary>The parameters, in group order.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }
}
