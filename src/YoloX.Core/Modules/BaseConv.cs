using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace YoloX.Core.Modules;

/// <summary>
/// Conv2d → BatchNorm2d → activation with "same" padding, the basic block of every YOLOX network.
/// After <see cref="Fuse"/> the batch norm is folded into the convolution (which then has a bias).
/// </summary>
public sealed class BaseConv : nn.Module<Tensor, Tensor>
{
    /// <summary>Official batch-norm epsilon (<c>init_yolo</c> in the official experiments).</summary>
    public const double BatchNormEps = 1e-3;

    /// <summary>Official batch-norm momentum (PyTorch convention: weight of the new batch statistic).</summary>
    public const double BatchNormMomentum = 0.03;

    private Conv2d conv;
    private BatchNorm2d? bn;
    private readonly nn.Module<Tensor, Tensor> act;

    /// <summary>Creates the block.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernelSize">Square kernel size; padding is (k − 1) / 2.</param>
    /// <param name="stride">Stride.</param>
    /// <param name="groups">Convolution groups (in channels for a depthwise convolution).</param>
    /// <param name="bias">Whether the convolution has a bias (the official blocks never do before fusion).</param>
    /// <param name="activation">The activation.</param>
    public BaseConv(long inChannels, long outChannels, long kernelSize, long stride,
        long groups = 1, bool bias = false, Activation activation = Activation.SiLU)
        : base(nameof(BaseConv))
    {
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = stride;
        Groups = groups;
        conv = nn.Conv2d(inChannels, outChannels, kernelSize, stride: stride, padding: (kernelSize - 1) / 2,
            groups: groups, bias: bias);
        bn = nn.BatchNorm2d(outChannels, eps: BatchNormEps, momentum: BatchNormMomentum);
        act = Activations.Create(activation);
        RegisterComponents();
    }

    /// <summary>Input channels.</summary>
    public long InChannels { get; }

    /// <summary>Output channels.</summary>
    public long OutChannels { get; }

    /// <summary>Kernel size.</summary>
    public long KernelSize { get; }

    /// <summary>Stride.</summary>
    public long Stride { get; }

    /// <summary>Convolution groups.</summary>
    public long Groups { get; }

    /// <summary>True once the batch norm has been folded into the convolution.</summary>
    public bool IsFused => bn is null;

    /// <summary>The convolution (after fusion it carries the folded batch norm as weight and bias).</summary>
    public Conv2d Conv => conv;

    /// <summary>The batch norm, or <c>null</c> after fusion.</summary>
    public BatchNorm2d? BatchNorm => bn;

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var y = conv.call(input);
        if (bn is null)
        {
            return Activate(y);
        }
        using var z = bn.training ? BatchNormTraining(bn, y) : bn.call(y);
        return Activate(z);
    }

    /// <summary>
    /// The activation. A LeakyReLU runs as its tensor operation with a cached slope, because <c>nn.LeakyReLU</c>
    /// passes its slope as a temporary Scalar (see <see cref="CachedScalars"/>); so that module's forward hooks do not
    /// run (<see cref="Profiling.ComplexityCounter"/> counts LeakyReLU elements on the BaseConv instead).
    /// </summary>
    private Tensor Activate(Tensor x) =>
        act is LeakyReLU { inplace: false, negative_slope: Activations.LeakySlope }
            ? x.leaky_relu(Activations.LeakySlopeScalar)
            : act.call(x);

    /// <summary>
    /// <see cref="BatchNorm2d"/>'s training forward with the same calls and values, except that the batch count is
    /// incremented with a cached Scalar: TorchSharp 0.107's <c>num_batches_tracked.add_(1)</c> makes two temporary
    /// Scalars per batch norm per step, which can be finalized during the native call (see <see cref="CachedScalars"/>).
    /// </summary>
    private static Tensor BatchNormTraining(BatchNorm2d bn, Tensor input)
    {
        var averageFactor = bn.momentum ?? 0.0;
        if (bn.track_running_stats && bn.num_batches_tracked is { } batches)
        {
            batches.add_(CachedScalars.One, CachedScalars.One);
            averageFactor = bn.momentum ?? 1.0 / (double)batches;
        }
        var statistics = bn.track_running_stats;
        return nn.functional.batch_norm(input, statistics ? bn.running_mean : null, statistics ? bn.running_var : null,
            bn.weight, bn.bias, training: true, momentum: averageFactor, eps: bn.eps);
    }

    /// <summary>
    /// Folds the batch norm's running statistics and affine parameters into the convolution, as the official
    /// <c>fuse_conv_and_bn</c> does: w' = w·γ/√(σ²+ε), b' = β + (b − μ)·γ/√(σ²+ε). Idempotent.
    /// </summary>
    public void Fuse()
    {
        if (bn is null)
        {
            return;
        }
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        // Explicit Scalars (the eps, and Plus for the alpha of an addition): TorchSharp's implicit ones can be
        // finalized during the native call (CachedScalars).
        using var eps = bn.eps.ToScalar();
        var scale = bn.weight! / torch.sqrt(bn.running_var!.Plus(eps));
        var weight = conv.weight * scale.reshape(-1, 1, 1, 1);
        var convBias = conv.bias ?? torch.zeros_like(bn.running_mean!);
        var bias = bn.bias!.Plus((convBias - bn.running_mean!) * scale);

        var fused = nn.Conv2d(InChannels, OutChannels, KernelSize, stride: Stride, padding: (KernelSize - 1) / 2,
            groups: Groups, bias: true, device: conv.weight.device, dtype: conv.weight.dtype);
        fused.weight!.copy_(weight);
        fused.bias!.copy_(bias);
        fused.train(training);

        ReplaceModules(fused);
    }

    /// <summary>
    /// Replaces the convolution by a fused one (bias included) and drops the batch norm, keeping the
    /// official fused key layout <c>conv.weight</c>, <c>conv.bias</c>.
    /// </summary>
    internal void ReplaceModules(Conv2d fused)
    {
        var oldConv = conv;
        var oldBn = bn;
        register_module("conv", null!);
        register_module("bn", null!);
        register_module("act", null!);
        conv = fused;
        bn = null;
        register_module("conv", conv);
        register_module("act", act);
        oldConv.Dispose();
        oldBn?.Dispose();
    }
}
