using YoloX.Core;

namespace YoloX.Training;

/// <summary>Checks a recipe key by key; the first problem throws with the key's YAML name and the rule.</summary>
internal static class TrainingRecipeValidator
{
    public static void Validate(TrainingRecipe r)
    {
        Require(!string.IsNullOrWhiteSpace(r.Name), "name", r.Name, "must not be empty");
        Require(Enum.IsDefined(r.Model), "model", r.Model, "is not a known preset");
        ValidateSchedule(r);
        ValidateOptimizer(r);
        ValidateInput(r);
        ValidateAugmentation(r);
        ValidateEvaluation(r);
    }

    private static void ValidateSchedule(TrainingRecipe r)
    {
        Require(r.MaxEpoch >= 1, "max_epoch", r.MaxEpoch, "must be at least 1");
        Require(r.WarmupEpochs >= 0 && r.WarmupEpochs <= r.MaxEpoch, "warmup_epochs", r.WarmupEpochs, "must be within 0..max_epoch");
        Require(r.NoAugEpochs >= 0 && r.NoAugEpochs <= r.MaxEpoch, "no_aug_epochs", r.NoAugEpochs, "must be within 0..max_epoch");
        NonNegative(r.WarmupLr, "warmup_lr");
        Require(r.BasicLrPerImg > 0 && double.IsFinite(r.BasicLrPerImg), "basic_lr_per_img", r.BasicLrPerImg, "must be positive");
        Require(Enum.IsDefined(r.Scheduler), "scheduler", r.Scheduler, "is not a known schedule");
        Require(r.MinLrRatio is >= 0 and <= 1, "min_lr_ratio", r.MinLrRatio, "must be within [0, 1]");
        Require(r.Gamma > 0 && double.IsFinite(r.Gamma), "gamma", r.Gamma, "must be positive");
        for (var i = 0; i < r.Milestones.Count; i++)
        {
            Require(r.Milestones[i] >= 0 && r.Milestones[i] <= r.MaxEpoch, "milestones", r.Milestones[i], "must be epochs within 0..max_epoch");
            Require(i == 0 || r.Milestones[i] > r.Milestones[i - 1], "milestones", r.Milestones[i], "must be strictly increasing");
        }
        if (r.Scheduler == LearningRateScheduler.WarmCos)
        {
            Require(r.WarmupEpochs < r.MaxEpoch, "warmup_epochs", r.WarmupEpochs, "must be below max_epoch for warmcos");
        }
        if (r.Scheduler == LearningRateScheduler.MultiStep)
        {
            Require(r.Milestones.Count > 0, "milestones", "[]", "must list at least one epoch for multistep");
        }
    }

    private static void ValidateOptimizer(TrainingRecipe r)
    {
        Require(r.BatchSize >= 1, "batch_size", r.BatchSize, "must be at least 1");
        Require(r.Momentum is >= 0 and < 1, "momentum", r.Momentum, "must be within [0, 1)");
        Require(!r.Nesterov || r.Momentum > 0, "nesterov", r.Nesterov, "needs a positive momentum");
        NonNegative(r.WeightDecay, "weight_decay");
        Require(r.GradClipNorm is null || (r.GradClipNorm > 0 && double.IsFinite(r.GradClipNorm.Value)), "grad_clip_norm",
            r.GradClipNorm, "must be positive (or null for no clipping)");
        Require(r.EmaDecay is >= 0 and < 1, "ema_decay", r.EmaDecay, "must be within [0, 1)");
        Require(r.EmaRamp > 0 && double.IsFinite(r.EmaRamp), "ema_ramp", r.EmaRamp, "must be positive");
        Require(r.MaxNonFiniteSteps >= 1, "max_nonfinite_steps", r.MaxNonFiniteSteps, "must be at least 1");
    }

    private static void ValidateInput(TrainingRecipe r)
    {
        Size(r.InputSize, "input_size");
        Size(r.TestSize, "test_size");
        Require(r.MultiscaleRange >= 0, "multiscale_range", r.MultiscaleRange, "must be non-negative");
        Require(r.MultiscaleInterval >= 1, "multiscale_interval", r.MultiscaleInterval, "must be at least 1");
        if (r.RandomSize is { } rs)
        {
            Require(rs.Min >= 1 && rs.Max >= rs.Min, "random_size", rs, "must be 1 <= min <= max (units of 32 px)");
        }
        else if (r.MultiscaleRange > 0)
        {
            Require(r.InputSize.Height / 32 - r.MultiscaleRange >= 1, "multiscale_range", r.MultiscaleRange,
                $"is too large for input_size {r.InputSize.Height} (the smallest size would be below 32 px)");
        }
        Require(r.DataNumWorkers >= 0, "data_num_workers", r.DataNumWorkers, "must be non-negative");
    }

    private static void ValidateAugmentation(TrainingRecipe r)
    {
        Probability(r.MosaicProb, "mosaic_prob");
        Probability(r.MixupProb, "mixup_prob");
        Probability(r.HsvProb, "hsv_prob");
        Probability(r.FlipProb, "flip_prob");
        NonNegative(r.Degrees, "degrees");
        NonNegative(r.Translate, "translate");
        NonNegative(r.Shear, "shear");
        Require(r.Shear < 90, "shear", r.Shear, "must be below 90 degrees");
        Range(r.MosaicScale, "mosaic_scale");
        Range(r.MixupScale, "mixup_scale");
        if (r.MixupBeta is { } beta)
            Require(beta.A > 0 && beta.B > 0, "mixup_beta", beta, "needs positive Beta parameters");
        Require(Enum.IsDefined(r.HsvMode), "hsv_mode", r.HsvMode, "is not a known mode");
        Require(Enum.IsDefined(r.AffineStyle), "affine_style", r.AffineStyle, "is not a known style");
        Require(Enum.IsDefined(r.FinalTransform), "final_transform", r.FinalTransform, "is not a known transform");
        Require(r.MaxLabels is > 0 and <= 10000, "max_labels", r.MaxLabels, "must be within 1..10000");
        var (h, s, v) = r.HsvGains;
        Require(h >= 0 && s >= 0 && v >= 0, "hsv_gains", r.HsvGains, "must be non-negative");
        if (r.HsvMode == HsvGainMode.OpenCvUnits)
            Require(h <= 180 && s <= 255 && v <= 255, "hsv_gains", r.HsvGains, "must be within 0..180 (hue) and 0..255 in OpenCV units");
        else
            Require(h <= 1 && s <= 1 && v <= 1, "hsv_gains", r.HsvGains, "must be within 0..1 as fractional gains");
    }

    private static void ValidateEvaluation(TrainingRecipe r)
    {
        Require(r.EvalInterval >= 1, "eval_interval", r.EvalInterval, "must be at least 1");
        Require(r.NoAugEvalInterval >= 1, "no_aug_eval_interval", r.NoAugEvalInterval, "must be at least 1");
        Require(r.PrintInterval >= 1, "print_interval", r.PrintInterval, "must be at least 1");
        Probability(r.TestConf, "test_conf");
        Require(r.NmsThre is > 0 and <= 1, "nmsthre", r.NmsThre, "must be within (0, 1]");
    }

    private static void Size((int Height, int Width) size, string key) =>
        Require(size.Height >= 32 && size.Width >= 32 && size.Height % 32 == 0 && size.Width % 32 == 0 &&
                size.Height <= 8192 && size.Width <= 8192, key, size, "must be multiples of 32 within 32..8192");

    private static void Probability(double p, string key) =>
        Require(p is >= 0 and <= 1, key, p, "must be a probability in [0, 1]");

    private static void NonNegative(double v, string key) =>
        Require(v >= 0 && double.IsFinite(v), key, v, "must be finite and non-negative");

    private static void Range((double Low, double High) range, string key) =>
        Require(range.Low > 0 && range.High >= range.Low && double.IsFinite(range.High), key, range,
            "must be a finite range 0 < low <= high");

    private static void Require(bool ok, string key, object? value, string rule)
    {
        if (!ok)
            throw new TrainingRecipeException($"Recipe key '{key}' = {value} {rule}.", key);
    }
}
