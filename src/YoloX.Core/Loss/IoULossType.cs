namespace YoloX.Core.Loss;

/// <summary>The form of the box regression loss (official <c>IOUloss.loss_type</c>).</summary>
public enum IoULossType
{
    /// <summary><c>1 − IoU²</c> (official default <c>"iou"</c>).</summary>
    IoU,

    /// <summary><c>1 − clamp(GIoU, −1, 1)</c> (official <c>"giou"</c>).</summary>
    GIoU,
}
