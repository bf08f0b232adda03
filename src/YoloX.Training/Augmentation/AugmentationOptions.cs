namespace YoloX.Training.Augmentation;

/// <summary>
/// The training augmentation hyper-parameters, with the official names (<c>yolox/exp/yolox_base.py</c>) and defaults.
/// Immutable: change it with <c>with { ... }</c>; <see cref="Validate"/> checks every value.
/// </summary>
/// <remarks>
/// The pipeline is the official <c>MosaicDetection</c> + <c>TrainTransform</c>: with probability
/// <see cref="MosaicProb"/> a Mosaic of four images, its random affine, then (if <see cref="EnableMixup"/>) MixUp
/// with probability <see cref="MixupProb"/>; otherwise the plain letterboxed image; in both cases HSV with
/// probability <see cref="HsvProb"/>, a horizontal flip with probability <see cref="FlipProb"/>, the letterbox to
/// <see cref="InputSize"/> and labels padded to <see cref="MaxLabels"/>. Four MindYOLO variants replace official
/// steps: <see cref="FractionalHsvGains"/> (its multiplicative HSV jitter), <see cref="MixupBeta"/> (its MixUp of
/// two mosaics with a Beta-distributed ratio), <see cref="AffineStyle"/> (its centred random perspective with
/// YOLOv5's box filter) and <see cref="FinalTransform"/> (its centred letterbox and label handling); all unset by
/// default, which is the official pipeline.
/// </remarks>
public sealed record AugmentationOptions
{
    /// <summary>The official default recipe (<c>yolox_base.py</c>, S/M/L/X) at 640×640.</summary>
    public static AugmentationOptions Default { get; } = new();

    /// <summary>The official Nano recipe: 416×416, <c>mosaic_prob</c> 0.5, <c>mosaic_scale</c> (0.5, 1.5), no MixUp.</summary>
    public static AugmentationOptions Nano { get; } = new()
    {
        InputSize = (416, 416), MosaicProb = 0.5, MosaicScale = (0.5, 1.5), EnableMixup = false,
    };

    /// <summary>The official Tiny recipe: 416×416, <c>mosaic_scale</c> (0.5, 1.5), no MixUp (<c>mosaic_prob</c> 1).</summary>
    public static AugmentationOptions Tiny { get; } = new()
    {
        InputSize = (416, 416), MosaicScale = (0.5, 1.5), EnableMixup = false,
    };

    /// <summary>(height, width) of the produced images (official <c>input_size</c>).</summary>
    public (int Height, int Width) InputSize { get; init; } = (640, 640);

    /// <summary>Probability of a Mosaic sample (official <c>mosaic_prob</c>).</summary>
    public double MosaicProb { get; init; } = 1.0;

    /// <summary>Probability of MixUp on a Mosaic sample (official <c>mixup_prob</c>).</summary>
    public double MixupProb { get; init; } = 1.0;

    /// <summary>Probability of the HSV colour jitter (official <c>hsv_prob</c>).</summary>
    public double HsvProb { get; init; } = 1.0;

    /// <summary>Probability of a horizontal flip (official <c>flip_prob</c>).</summary>
    public double FlipProb { get; init; } = 0.5;

    /// <summary>Rotation range ±degrees of the Mosaic's random affine (official <c>degrees</c>).</summary>
    public double Degrees { get; init; } = 10.0;

    /// <summary>Translation range ± this fraction of the input size (official <c>translate</c>).</summary>
    public double Translate { get; init; } = 0.1;

    /// <summary>Shear range ±degrees (official <c>shear</c>).</summary>
    public double Shear { get; init; } = 2.0;

    /// <summary>Scale range of the Mosaic's random affine (official <c>mosaic_scale</c>).</summary>
    public (double Low, double High) MosaicScale { get; init; } = (0.1, 2.0);

    /// <summary>Scale jitter range of the MixUp image (official <c>mixup_scale</c>).</summary>
    public (double Low, double High) MixupScale { get; init; } = (0.5, 1.5);

    /// <summary>Whether MixUp runs at all (official <c>enable_mixup</c>); when false no MixUp draw is made.</summary>
    public bool EnableMixup { get; init; } = true;

    /// <summary>The maximal HSV gains (hue in OpenCV's 0–180 units, saturation and value in 0–255), official (5, 30, 30).</summary>
    public (int Hue, int Saturation, int Value) HsvGains { get; init; } = (5, 30, 30);

    /// <summary>
    /// MindYOLO's multiplicative HSV jitter (<see cref="FractionalHsvAugment"/>) with these gains, each in [0, 1]
    /// (MindYOLO's YOLOX recipe (0.015, 0.7, 0.4)) in place of the official additive one; null (default) = the
    /// official jitter with <see cref="HsvGains"/>.
    /// </summary>
    public (double Hue, double Saturation, double Value)? FractionalHsvGains { get; init; }

    /// <summary>
    /// MindYOLO's MixUp (<see cref="BetaMixUp"/>): the Mosaic sample is blended with a second Mosaic (same affine),
    /// ratio ~ Beta(a, b) (MindYOLO (8, 8)), without scale jitter, so <see cref="MixupScale"/> must be (1, 1); null
    /// (default) = the official MixUp (fixed ½ blend of a jittered single image).
    /// </summary>
    public (double A, double B)? MixupBeta { get; init; }

    /// <summary>
    /// The random affine after the Mosaic (and on a Beta MixUp partner): the official <see cref="RandomAffine"/>
    /// (default) or MindYOLO's <see cref="RandomPerspective"/>, which centres the canvas, uses
    /// <see cref="MosaicScale"/> as its scale range and drops degenerate boxes.
    /// </summary>
    public AffineStyle AffineStyle { get; init; } = AffineStyle.Official;

    /// <summary>
    /// The step that finishes each sample: the official <see cref="TrainTransform"/> (default) or MindYOLO's
    /// <see cref="MindYoloTransform"/> (centred letterbox without upscaling, jitter on every image, no box dropped).
    /// </summary>
    public FinalTransformStyle FinalTransform { get; init; } = FinalTransformStyle.Official;

    /// <summary>
    /// Which OpenCV HSV→BGR arithmetic the HSV step reproduces: the x86 AVX2 build's (default, bit-exact with the
    /// official pipeline there) or OpenCV's portable scalar formula (within one grey level of any build).
    /// </summary>
    public HsvRounding HsvRounding { get; init; } = HsvRounding.OpenCvAvx2;

    /// <summary>Label rows per image (official <c>TrainTransform(max_labels=120)</c> behind <c>MosaicDetection</c>).</summary>
    public int MaxLabels { get; init; } = 120;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid setting.</summary>
    public AugmentationOptions Validate()
    {
        if (InputSize.Height <= 0 || InputSize.Width <= 0 || InputSize.Height > 8192 || InputSize.Width > 8192)
            throw new ArgumentOutOfRangeException(nameof(InputSize), InputSize, "input_size must be within 1..8192.");
        CheckProbability(MosaicProb, "mosaic_prob");
        CheckProbability(MixupProb, "mixup_prob");
        CheckProbability(HsvProb, "hsv_prob");
        CheckProbability(FlipProb, "flip_prob");
        CheckNonNegative(Degrees, "degrees");
        CheckNonNegative(Translate, "translate");
        CheckNonNegative(Shear, "shear");
        if (!(Shear < 90))
            throw new ArgumentOutOfRangeException("shear", Shear, "shear must be below 90 degrees.");
        CheckRange(MosaicScale, "mosaic_scale");
        CheckRange(MixupScale, "mixup_scale");
        if (HsvGains.Hue is < 0 or > 180 || HsvGains.Saturation is < 0 or > 255 || HsvGains.Value is < 0 or > 255)
            throw new ArgumentOutOfRangeException(nameof(HsvGains), HsvGains, "HSV gains must be within 0..180 (hue) and 0..255.");
        if (FractionalHsvGains is { } f && !(f.Hue is >= 0 and <= 1 && f.Saturation is >= 0 and <= 1 && f.Value is >= 0 and <= 1))
            throw new ArgumentOutOfRangeException(nameof(FractionalHsvGains), f, "Fractional HSV gains must be within 0..1.");
        if (MixupBeta is { } beta)
        {
            if (!(beta.A > 0) || !(beta.B > 0) || double.IsInfinity(beta.A) || double.IsInfinity(beta.B))
                throw new ArgumentOutOfRangeException("mixup_beta", beta, "mixup_beta needs finite, positive Beta parameters.");
            if (MixupScale != (1.0, 1.0))
                throw new ArgumentOutOfRangeException("mixup_scale", MixupScale, "Beta MixUp blends a second Mosaic at full size: mixup_scale must be (1, 1).");
        }
        if (!Enum.IsDefined(FinalTransform))
            throw new ArgumentOutOfRangeException("final_transform", FinalTransform, "Unknown final transform.");
        if (!Enum.IsDefined(AffineStyle))
            throw new ArgumentOutOfRangeException("affine_style", AffineStyle, "Unknown affine style.");
        if (!Enum.IsDefined(HsvRounding))
            throw new ArgumentOutOfRangeException(nameof(HsvRounding), HsvRounding, "Unknown HSV rounding.");
        if (MaxLabels <= 0)
            throw new ArgumentOutOfRangeException("max_labels", MaxLabels, "max_labels must be positive.");
        return this;
    }

    private static void CheckProbability(double p, string name)
    {
        if (!(p >= 0 && p <= 1))
            throw new ArgumentOutOfRangeException(name, p, $"{name} must be a probability in [0, 1].");
    }

    private static void CheckNonNegative(double v, string name)
    {
        if (!(v >= 0) || double.IsInfinity(v))
            throw new ArgumentOutOfRangeException(name, v, $"{name} must be finite and non-negative.");
    }

    private static void CheckRange((double Low, double High) range, string name)
    {
        if (!(range.Low > 0) || !(range.High >= range.Low) || double.IsInfinity(range.High))
            throw new ArgumentOutOfRangeException(name, range, $"{name} must be a finite range 0 < low ≤ high.");
    }
}
