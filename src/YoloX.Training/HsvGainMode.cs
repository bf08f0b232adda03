namespace YoloX.Training;

/// <summary>How a recipe's HSV gains are to be read.</summary>
public enum HsvGainMode
{
    /// <summary>
    /// [<c>opencv</c>] The official YOLOX <c>augment_hsv</c>: additive offsets drawn in ±gain, in OpenCV's units (hue
    /// 0–180, saturation and value 0–255); official gains (5, 30, 30).
    /// </summary>
    OpenCvUnits,

    /// <summary>
    /// [<c>fractional</c>] The YOLOv5-style jitter MindYOLO uses: multiplicative factors drawn in 1 ± gain
    /// (MindYOLO's YOLOX recipe: 0.015, 0.7, 0.4).
    /// </summary>
    Fractional,
}
