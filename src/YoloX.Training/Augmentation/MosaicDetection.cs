namespace YoloX.Training.Augmentation;

/// <summary>
/// The official training pipeline per sample (<c>MosaicDetection.__getitem__</c> + <c>TrainTransform</c>), drawing
/// in the official order: <c>random() &lt; mosaic_prob</c> → <see cref="Mosaic"/> → the random affine →
/// (if MixUp is enabled and boxes remain) <c>random() &lt; mixup_prob</c> → <see cref="MixUp"/>; otherwise the
/// plain letterboxed image; then any extra steps, then <see cref="TrainTransform"/> (HSV, flip, letterbox, labels), or
/// with <see cref="AugmentationOptions.FinalTransform"/> <see cref="FinalTransformStyle.MindYolo"/> MindYOLO's
/// <see cref="MindYoloTransform"/>.
/// With Mosaic closed (the no-aug phase) the mosaic draw is not made, as officially. With
/// <see cref="AugmentationOptions.MixupBeta"/> set, MixUp is MindYOLO's: <c>random() &lt; mixup_prob</c> is drawn
/// whether or not boxes remain, and <see cref="BetaMixUp"/> blends a second Mosaic + affine; with
/// <see cref="AugmentationOptions.FractionalHsvGains"/> set the HSV step is <see cref="FractionalHsvAugment"/>; with
/// <see cref="AugmentationOptions.AffineStyle"/> <see cref="AffineStyle.Perspective"/> the affine (the sample's and
/// a Beta MixUp partner's) is MindYOLO's <see cref="RandomPerspective"/>.
/// </summary>
public sealed class MosaicDetection
{
    private readonly AugmentationOptions _options;
    private readonly IDetectionSampleSource _samples;
    private readonly IReadOnlyList<IAugmentation> _extra;
    private readonly IAugmentation _affine;
    private readonly MixUp _mixUp;
    private readonly BetaMixUp? _betaMixUp;
    private readonly ITrainTransform _transform;

    /// <summary>Builds the pipeline for a dataset.</summary>
    /// <param name="options">The recipe (validated here).</param>
    /// <param name="samples">The dataset as <c>pull_item</c> sees it.</param>
    /// <param name="extraAugmentations">User steps run just before the final transform.</param>
    public MosaicDetection(AugmentationOptions options, IDetectionSampleSource samples, IReadOnlyList<IAugmentation>? extraAugmentations = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(samples);
        _options = options.Validate();
        _samples = samples;
        _extra = extraAugmentations ?? [];
        var (h, w) = options.InputSize;
        _affine = options.AffineStyle == AffineStyle.Perspective
            ? new RandomPerspective(w, h, options.Degrees, options.Translate, options.MosaicScale, options.Shear)
            : new RandomAffine(w, h, options.Degrees, options.Translate, options.MosaicScale, options.Shear);
        _mixUp = new MixUp(options.MixupScale);
        // MindYOLO's partner goes through the same Mosaic and affine as the sample (its pre_transform repeats them).
        if (options.MixupBeta is { } beta)
            _betaMixUp = new BetaMixUp(beta.A, beta.B, [Mosaic.Instance, _affine]);
        var fractional = options.FractionalHsvGains is { } f
            ? new FractionalHsvAugment(f.Hue, f.Saturation, f.Value, options.HsvRounding)
            : null;
        var hsv = new HsvAugment(options.HsvGains.Hue, options.HsvGains.Saturation, options.HsvGains.Value, options.HsvRounding);
        _transform = options.FinalTransform == FinalTransformStyle.MindYolo
            ? new MindYoloTransform(options.MaxLabels, options.FlipProb, options.HsvProb, fractional is null ? hsv : fractional)
            : new TrainTransform(options.MaxLabels, options.FlipProb, options.HsvProb, hsv, fractional);
    }

    /// <summary>The finished sample for dataset image <paramref name="index"/>.</summary>
    /// <param name="index">The dataset index (the official <c>idx</c>; Mosaic tile 0).</param>
    /// <param name="random">The sample's random stream.</param>
    /// <param name="mosaicEnabled">False in the no-aug phase (after <c>close_mosaic</c>).</param>
    public TrainSample Apply(int index, IRandomSource random, bool mosaicEnabled = true)
    {
        ArgumentNullException.ThrowIfNull(random);
        var context = new AugmentationContext(random, _samples, _options.InputSize);
        var sample = _samples.Load(index);
        if (mosaicEnabled && random.NextDouble() < _options.MosaicProb)
        {
            sample = Replace(sample, Mosaic.Instance.Apply(sample, context));
            sample = Replace(sample, _affine.Apply(sample, context));
            if (_betaMixUp is not null)
            {
                if (_options.EnableMixup && random.NextDouble() < _options.MixupProb)
                    sample = _betaMixUp.Apply(sample, context);
            }
            else if (_options.EnableMixup && sample.Boxes.Length > 0 && random.NextDouble() < _options.MixupProb)
            {
                sample = _mixUp.Apply(sample, context);
            }
        }
        foreach (var step in _extra)
            sample = step.Apply(sample, context);
        var result = _transform.Apply(sample, context);
        // A user step may keep a reference to its input, but what the last step returned is the pipeline's.
        if (!ReferenceEquals(result.Image, sample.Image))
            sample.Image.Recycle();
        return result;
    }

    // The pipeline's own steps (Mosaic, affine) leave their input behind when they return a new image; it is ours
    // (loaded for this sample or made by the step before), so its buffer goes back to the pool.
    private static LabeledImage Replace(LabeledImage input, LabeledImage output)
    {
        if (!ReferenceEquals(output.Image, input.Image))
            input.Image.Recycle();
        return output;
    }
}
