namespace YoloX.Core;

/// <summary>The official YOLOX model scales (<c>exps/default/*.py</c>).</summary>
public enum YoloXPreset
{
    /// <summary>YOLOX-Nano: depth 0.33, width 0.25, depthwise, 416×416 (0.91 M parameters).</summary>
    Nano,

    /// <summary>YOLOX-Tiny: depth 0.33, width 0.375, 416×416 (5.06 M).</summary>
    Tiny,

    /// <summary>YOLOX-S: depth 0.33, width 0.50, 640×640 (8.97 M).</summary>
    S,

    /// <summary>YOLOX-M: depth 0.67, width 0.75, 640×640 (25.3 M).</summary>
    M,

    /// <summary>YOLOX-L: depth 1.0, width 1.0, 640×640 (54.2 M).</summary>
    L,

    /// <summary>YOLOX-X: depth 1.33, width 1.25, 640×640 (99.1 M).</summary>
    X,

    /// <summary>YOLOX-Darknet53: Darknet-53 backbone with the YOLOv3 FPN, LeakyReLU, 640×640 (63.7 M).</summary>
    Darknet53,
}
