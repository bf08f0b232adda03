namespace YoloX.Training.Augmentation;

/// <summary>
/// MindYOLO's <c>mixup</c> (<c>mindyolo/data/dataset.py</c>, YOLOv5-style): a random dataset image is taken through
/// <see cref="PartnerSteps"/> (MindYOLO's <c>pre_transform</c>: in its YOLOX recipe a second Mosaic and random
/// perspective, so two mosaics are blended), then the two images are blended with a ratio r ~ Beta(α, β):
/// <c>uint8(image · r + partner · (1 − r))</c> in float64, truncated; the partner's boxes are appended after the
/// sample's. No scale jitter, no flip, no offset: both images must already have the same size. Unlike the official
/// MixUp, the partner may have no boxes. Draws: <c>randint(0, len − 1)</c> for the partner (MindYOLO's
/// <c>random.choices(indices, k=1)</c>), the partner steps' draws, then <c>np.random.beta(α, β)</c>.
/// </summary>
public sealed class BetaMixUp : IAugmentation
{
    /// <summary>Creates the step.</summary>
    /// <param name="alpha">Beta α (MindYOLO's YOLOX recipe 8).</param>
    /// <param name="beta">Beta β (8).</param>
    /// <param name="partnerSteps">What the partner goes through before the blend (e.g. Mosaic then the random affine).</param>
    public BetaMixUp(double alpha, double beta, IReadOnlyList<IAugmentation> partnerSteps)
    {
        if (!(alpha > 0) || !(beta > 0) || double.IsInfinity(alpha) || double.IsInfinity(beta))
            throw new ArgumentOutOfRangeException(nameof(alpha), (alpha, beta), "Beta parameters must be finite and positive.");
        ArgumentNullException.ThrowIfNull(partnerSteps);
        Alpha = alpha;
        Beta = beta;
        PartnerSteps = partnerSteps;
    }

    /// <summary>Beta α.</summary>
    public double Alpha { get; }

    /// <summary>Beta β.</summary>
    public double Beta { get; }

    /// <summary>The partner's steps, in order.</summary>
    public IReadOnlyList<IAugmentation> PartnerSteps { get; }

    /// <inheritdoc />
    public LabeledImage Apply(LabeledImage sample, AugmentationContext context)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(context);
        var samples = context.Samples ?? throw new InvalidOperationException("MixUp needs the dataset (AugmentationContext.Samples).");
        var partner = samples.Load(context.Random.RandInt(0, samples.Count - 1));
        foreach (var step in PartnerSteps)
            partner = step.Apply(partner, context);
        if (partner.Image.Width != sample.Image.Width || partner.Image.Height != sample.Image.Height)
        {
            throw new InvalidOperationException(
                $"Beta MixUp blends images of one size: sample {sample.Image.Width}×{sample.Image.Height}, partner {partner.Image.Width}×{partner.Image.Height}.");
        }
        var ratio = context.Random.Beta(Alpha, Beta);
        Blend(sample.Image, partner.Image, ratio);
        return new LabeledImage(sample.Image, [.. sample.Boxes, .. partner.Boxes]);
    }

    /// <summary>
    /// <c>image = (image · r + partner · (1 − r)).astype(uint8)</c>, in place: NumPy computes each product in float64
    /// and truncates the sum; the products depend on one byte each, so two 256-entry tables give the same values.
    /// </summary>
    public static void Blend(BgrImage image, BgrImage partner, double ratio)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(partner);
        if (!(ratio >= 0 && ratio <= 1))
            throw new ArgumentOutOfRangeException(nameof(ratio), ratio, "The blend ratio must be within [0, 1].");
        if (partner.Width != image.Width || partner.Height != image.Height)
            throw new ArgumentException("Both images must have the same size.", nameof(partner));
        Span<double> own = stackalloc double[256];
        Span<double> other = stackalloc double[256];
        var otherRatio = 1 - ratio;
        for (var x = 0; x < 256; x++)
        {
            own[x] = x * ratio;
            other[x] = x * otherRatio;
        }
        for (var y = 0; y < image.Height; y++)
        {
            var row = image.Row(y);
            var partnerRow = partner.Row(y);
            for (var i = 0; i < row.Length; i++)
                row[i] = (byte)(own[row[i]] + other[partnerRow[i]]);
        }
    }
}
