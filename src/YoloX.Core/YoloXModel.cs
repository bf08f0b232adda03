using TorchSharp;
using YoloX.Core.Heads;
using YoloX.Core.Modules;
using YoloX.Core.Necks;
using YoloX.Core.Runtime;
using static TorchSharp.torch;

namespace YoloX.Core;

/// <summary>
/// The YOLOX detector network: a <see cref="FeaturePyramid"/> (neck with its backbone, registered as
/// <c>backbone</c> like the official model) and a <see cref="YOLOXHead"/> (<c>head</c>).
/// <see cref="nn.Module{T, TResult}.forward"/> gives the inference output <c>[B, N, 5 + C]</c>.
/// </summary>
public sealed class YoloXModel : nn.Module<Tensor, Tensor>
{
    private readonly FeaturePyramid backbone;
    private readonly YOLOXHead head;

    /// <summary>Composes a model from a neck (owning its backbone) and a head.</summary>
    public YoloXModel(FeaturePyramid backbone, YOLOXHead head, YoloXConfig config) : base(nameof(YoloXModel))
    {
        // TORCH_CPP_LOG_LEVEL, which libtorch itself reads only under Python (once per process).
        LibTorchLog.ApplyEnvironment();
        this.backbone = backbone;
        this.head = head;
        Config = config;
        RegisterComponents();
    }

    /// <summary>The configuration the model was built from.</summary>
    public YoloXConfig Config { get; }

    /// <summary>The neck with its backbone.</summary>
    public FeaturePyramid Neck => backbone;

    /// <summary>The detection head.</summary>
    public YOLOXHead Head => head;

    /// <summary>Number of classes.</summary>
    public int NumClasses => head.NumClasses;

    /// <summary>Whether <see cref="Fuse"/> has folded the batch norms into the convolutions.</summary>
    public bool IsFused { get; private set; }

    /// <summary>Builds a model with the official initialisation (BN ε 1e-3, momentum 0.03; prior 0.01 biases).</summary>
    public static YoloXModel Create(YoloXConfig config)
    {
        config.Validate();
        FeaturePyramid neck = config.Architecture switch
        {
            YoloXArchitecture.Darknet53Fpn => new YOLOFPN(53),
            _ => new YOLOPAFPN(config.Depth, config.Width, config.Depthwise, config.Activation),
        };
        var headInChannels = config.Architecture == YoloXArchitecture.Darknet53Fpn
            ? new long[] { 128, 256, 512 }
            : [256, 512, 1024];
        var head = new YOLOXHead(config.NumClasses, config.Width, config.Strides, headInChannels,
            config.Activation, config.Depthwise);
        return new YoloXModel(neck, head, config);
    }

    /// <summary>Builds the official model of a preset.</summary>
    public static YoloXModel Create(YoloXPreset preset, int numClasses = 80) =>
        Create(YoloXConfig.FromPreset(preset, numClasses));

    /// <summary>The three pyramid features (strides 8, 16, 32).</summary>
    public Tensor[] ForwardFeatures(Tensor images) => backbone.call(images);

    /// <summary>Raw per-level head outputs <c>[B, 5 + C, H, W]</c> (what the loss consumes).</summary>
    public Tensor[] ForwardLevels(Tensor images) => WithFeatures(images, head.ForwardLevels);

    /// <summary>Inference output <c>[B, N, 5 + C]</c>; decoded unless <see cref="YOLOXHead.DecodeInInference"/> is off.</summary>
    public override Tensor forward(Tensor images)
    {
        ValidateImages(images);
        return WithFeatures(images, head.call);
    }

    /// <summary>Runs the neck, hands its features to <paramref name="useFeatures"/>, then frees them.</summary>
    private T WithFeatures<T>(Tensor images, Func<Tensor[], T> useFeatures)
    {
        var features = backbone.call(images);
        try
        {
            return useFeatures(features);
        }
        finally
        {
            foreach (var f in features)
            {
                f.Dispose();
            }
        }
    }

    /// <summary>Folds every batch norm into its convolution for faster inference (official <c>fuse_model</c>).</summary>
    public YoloXModel Fuse()
    {
        foreach (var conv in modules().OfType<BaseConv>().ToList())
        {
            conv.Fuse();
        }
        IsFused = true;
        return this;
    }

    /// <summary>Number of trainable parameter elements.</summary>
    public long ParameterCount() => parameters().Sum(p => p.numel());

    /// <summary>
    /// Training loss of a batch (official train-mode <c>model(images, targets)</c>): forward, then SimOTA assignment and
    /// the YOLOX loss. Put the model in train mode first; <c>Total.backward()</c> the result and dispose it.
    /// </summary>
    /// <param name="images">Images <c>[B, 3, H, W]</c>.</param>
    /// <param name="targets">Padded targets <c>[B, M, 5]</c> (class, cx, cy, w, h in input pixels; zero rows are padding).</param>
    /// <param name="useL1">Adds the L1 loss of the raw box regressions.</param>
    public Loss.LossTerms ComputeLoss(Tensor images, Tensor targets, bool useL1 = false) =>
        ComputeLoss(images, targets, new Loss.YoloXLossOptions { UseL1 = useL1 });

    /// <summary>Training loss of a batch with explicit loss settings (see <see cref="ComputeLoss(Tensor, Tensor, bool)"/>).</summary>
    public Loss.LossTerms ComputeLoss(Tensor images, Tensor targets, Loss.YoloXLossOptions options)
    {
        ValidateImages(images);
        var levels = ForwardLevels(images);
        try
        {
            return new Loss.YoloXLoss(NumClasses, Config.Strides, options).Compute(levels, targets);
        }
        finally
        {
            foreach (var level in levels)
            {
                level.Dispose();
            }
        }
    }

    private void ValidateImages(Tensor images)
    {
        var maxStride = Config.Strides.Max();
        if (images.dim() != 4 || images.shape[1] != 3)
        {
            throw new ArgumentException(
                $"Expected images of shape [B, 3, H, W], got [{string.Join(", ", images.shape)}].", nameof(images));
        }
        if (images.shape[2] % maxStride != 0 || images.shape[3] % maxStride != 0)
        {
            throw new ArgumentException(
                $"Expected images [B, 3, H, W] with H and W multiples of {maxStride}, got {images.shape[2]}×{images.shape[3]}.", nameof(images));
        }
        // A convolution given another dtype fails deep inside libtorch with a message about its kernels; say it here.
        var weightType = parameters().First().dtype;
        if (images.dtype != weightType)
        {
            throw new ArgumentException(
                $"Expected images of dtype {weightType} (the model's weights), got {images.dtype}; convert with .to({weightType}).", nameof(images));
        }
    }
}
