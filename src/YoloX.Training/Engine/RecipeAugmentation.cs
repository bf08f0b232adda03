using YoloX.Training.Augmentation;

namespace YoloX.Training.Engine;

/// <summary>The augmentation settings a recipe names, for the training data loader.</summary>
public static class RecipeAugmentation
{
    /// <summary>
    /// <see cref="AugmentationOptions"/> from the recipe's Mosaic/MixUp/HSV/flip/affine fields and input size. In
    /// <c>hsv_mode: opencv</c> the gains are the official integers in OpenCV units (fractions are truncated); in
    /// <c>hsv_mode: fractional</c> they become <see cref="AugmentationOptions.FractionalHsvGains"/> (MindYOLO's
    /// multiplicative jitter). <c>mixup_beta</c> selects MindYOLO's Beta MixUp of two mosaics, which needs
    /// <c>mixup_scale: [1, 1]</c> (validated); <c>affine_style: perspective</c> MindYOLO's random perspective and <c>final_transform: mindyolo</c>
    /// its last steps.
    /// </summary>
    public static AugmentationOptions From(TrainingRecipe recipe)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        var fractional = recipe.HsvMode == HsvGainMode.Fractional;
        return new AugmentationOptions
        {
            InputSize = recipe.InputSize,
            MosaicProb = recipe.MosaicProb,
            MixupProb = recipe.MixupProb,
            EnableMixup = recipe.EnableMixup,
            HsvProb = recipe.HsvProb,
            HsvGains = fractional ? AugmentationOptions.Default.HsvGains
                : ((int)recipe.HsvGains.Hue, (int)recipe.HsvGains.Saturation, (int)recipe.HsvGains.Value),
            FractionalHsvGains = fractional ? recipe.HsvGains : null,
            MixupBeta = recipe.MixupBeta,
            AffineStyle = recipe.AffineStyle,
            FinalTransform = recipe.FinalTransform,
            MaxLabels = recipe.MaxLabels,
            FlipProb = recipe.FlipProb,
            Degrees = recipe.Degrees,
            Translate = recipe.Translate,
            Shear = recipe.Shear,
            MosaicScale = recipe.MosaicScale,
            MixupScale = recipe.MixupScale,
        }.Validate();
    }
}
