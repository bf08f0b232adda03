using YoloX.Training.Augmentation;

namespace YoloX.Training.Engine;

/// <summary>The augmentation settings a recipe names, for the training data loader.</summary>
public static class RecipeAugmentation
{
    /// <summary>
    /// <see cref="AugmentationOptions"/> from the recipe's Mosaic/MixUp/HSV/flip/affine fields and input size. The
    /// official HSV gains are integers in OpenCV units; MindYOLO's fractional gains and Beta MixUp are not supported by
    /// the loader and throw.
    /// </summary>
    public static AugmentationOptions From(TrainingRecipe recipe)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        if (recipe.HsvMode != HsvGainMode.OpenCvUnits || recipe.MixupBeta is not null)
        {
            throw new NotSupportedException($"Recipe '{recipe.Name}': fractional HSV gains and Beta MixUp are not supported by the training loader yet.");
        }
        return new AugmentationOptions
        {
            InputSize = recipe.InputSize,
            MosaicProb = recipe.MosaicProb,
            MixupProb = recipe.MixupProb,
            EnableMixup = recipe.EnableMixup,
            HsvProb = recipe.HsvProb,
            HsvGains = ((int)recipe.HsvGains.Hue, (int)recipe.HsvGains.Saturation, (int)recipe.HsvGains.Value),
            FlipProb = recipe.FlipProb,
            Degrees = recipe.Degrees,
            Translate = recipe.Translate,
            Shear = recipe.Shear,
            MosaicScale = recipe.MosaicScale,
            MixupScale = recipe.MixupScale,
        }.Validate();
    }
}
