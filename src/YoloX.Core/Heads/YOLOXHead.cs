using TorchSharp;
using TorchSharp.Modules;
using YoloX.Core.Modules;
using static TorchSharp.torch;

namespace YoloX.Core.Heads;

/// <summary>
/// YOLOXHead: the decoupled, anchor-free head. Per level a 1×1 stem, then two branches of two 3×3 convolutions —
/// classification (→ <c>cls_preds</c>) and regression (→ <c>reg_preds</c> box and <c>obj_preds</c> objectness).
/// </summary>
/// <remarks>Field names are the official module names, so state_dict keys match official checkpoints.</remarks>
public sealed class YOLOXHead : nn.Module<Tensor[], Tensor>
{
    private readonly ModuleList<Sequential> cls_convs;
    private readonly ModuleList<Sequential> reg_convs;
    private readonly ModuleList<Conv2d> cls_preds;
    private readonly ModuleList<Conv2d> reg_preds;
    private readonly ModuleList<Conv2d> obj_preds;
    private readonly ModuleList<BaseConv> stems;

    /// <summary>Creates the head.</summary>
    /// <param name="numClasses">Number of classes.</param>
    /// <param name="width">Width multiplier (head channels = int(256·width)).</param>
    /// <param name="strides">Stride of each input level.</param>
    /// <param name="inChannels">Nominal channels of each input level before the width multiplier.</param>
    /// <param name="activation">The activation.</param>
    /// <param name="depthwise">Depthwise separable 3×3 convolutions.</param>
    public YOLOXHead(int numClasses, double width = 1.0, IReadOnlyList<int>? strides = null,
        IReadOnlyList<long>? inChannels = null, Activation activation = Activation.SiLU, bool depthwise = false)
        : base(nameof(YOLOXHead))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        strides ??= [8, 16, 32];
        inChannels ??= [256, 512, 1024];
        if (strides.Count != inChannels.Count)
        {
            throw new ArgumentException("One stride per input level is needed.", nameof(strides));
        }
        NumClasses = numClasses;
        Strides = strides.ToArray();
        var hidden = (long)(256 * width);
        cls_convs = new ModuleList<Sequential>();
        reg_convs = new ModuleList<Sequential>();
        cls_preds = new ModuleList<Conv2d>();
        reg_preds = new ModuleList<Conv2d>();
        obj_preds = new ModuleList<Conv2d>();
        stems = new ModuleList<BaseConv>();
        foreach (var c in inChannels)
        {
            stems.Add(new BaseConv((long)(c * width), hidden, 1, 1, activation: activation));
            cls_convs.Add(Branch(depthwise, hidden, activation));
            reg_convs.Add(Branch(depthwise, hidden, activation));
            cls_preds.Add(nn.Conv2d(hidden, numClasses, 1));
            reg_preds.Add(nn.Conv2d(hidden, 4, 1));
            obj_preds.Add(nn.Conv2d(hidden, 1, 1));
        }
        RegisterComponents();
        InitializeBiases(1e-2);
    }

    /// <summary>Number of classes.</summary>
    public int NumClasses { get; }

    /// <summary>Stride of each level.</summary>
    public IReadOnlyList<int> Strides { get; }

    /// <summary>
    /// Whether the inference output is decoded to (cx, cy, w, h) in input pixels (default), or left raw as the
    /// official ONNX export does (<c>decode_in_inference = False</c>).
    /// </summary>
    public bool DecodeInInference { get; set; } = true;

    /// <summary>
    /// Sets the classification and objectness biases to −log((1 − p) / p), so every anchor starts with
    /// probability <paramref name="priorProbability"/> (official <c>initialize_biases(1e-2)</c>).
    /// </summary>
    public void InitializeBiases(double priorProbability)
    {
        // An explicit Scalar kept alive by `using`: an implicit one could be finalized during fill_ (CachedScalars).
        using var value = (-Math.Log((1 - priorProbability) / priorProbability)).ToScalar();
        using var noGrad = torch.no_grad();
        foreach (var conv in cls_preds.Concat(obj_preds))
        {
            conv.bias!.fill_(value);
        }
    }

    /// <summary>
    /// The raw per-level predictions <c>[B, 5 + C, H, W]</c>: channels (tx, ty, tw, th, objectness logit,
    /// class logits), before any sigmoid or decoding. This is what the training loss consumes.
    /// </summary>
    public Tensor[] ForwardLevels(Tensor[] features)
    {
        if (features.Length != stems.Count)
        {
            throw new ArgumentException($"The head expects {stems.Count} feature levels, got {features.Length}.", nameof(features));
        }
        var outputs = new Tensor[features.Length];
        for (var k = 0; k < features.Length; k++)
        {
            using var scope = torch.NewDisposeScope();
            var x = stems[k].call(features[k]);
            var cls = cls_preds[k].call(cls_convs[k].call(x));
            var regFeat = reg_convs[k].call(x);
            var reg = reg_preds[k].call(regFeat);
            var obj = obj_preds[k].call(regFeat);
            outputs[k] = torch.cat([reg, obj, cls], 1).MoveToOuterDisposeScope();
        }
        return outputs;
    }

    /// <summary>
    /// Inference output <c>[B, N, 5 + C]</c> (N anchors, level-major then y then x): box (decoded to cx, cy, w, h in
    /// input pixels when <see cref="DecodeInInference"/>, else raw), objectness and class probabilities.
    /// </summary>
    public override Tensor forward(Tensor[] features)
    {
        using var scope = torch.NewDisposeScope();
        var levels = ForwardLevels(features);
        var sizes = levels.Select(l => (l.shape[2], l.shape[3])).ToArray();
        var flat = levels.Select(l => torch.cat(
            [l[TensorIndex.Colon, TensorIndex.Slice(0, 4)], l[TensorIndex.Colon, TensorIndex.Slice(4, null)].sigmoid()], 1)
            .flatten(2)).ToArray();
        var outputs = torch.cat(flat, 2).permute(0, 2, 1);
        var result = DecodeInInference ? AnchorPoints.Decode(outputs, sizes, Strides) : outputs.contiguous();
        return result.MoveToOuterDisposeScope();
    }

    private static Sequential Branch(bool depthwise, long channels, Activation activation) =>
        nn.Sequential(
            ConvBlock.Create(depthwise, channels, channels, 3, 1, activation),
            ConvBlock.Create(depthwise, channels, channels, 3, 1, activation));
}
