namespace YoloX.Core;

/// <summary>The official YOLOX model sizes (experiments in the official <c>exps/default</c> folder).</summary>
public enum YoloXPreset
{
    /// <summary>YOLOX-Nano: depth 0.33, width 0.25, depthwise convolutions, 416×416.</summary>
    Nano,

    /// <summary>YOLOX-Tiny: depth 0.33, width 0.375, 416×416.</summary>
    Tiny,

    /// <summary>YOLOX-S: depth 0.33, width 0.50, 640×640.</summary>
    S,

    /// <summary>YOLOX-M: depth 0.67, width 0.75, 640×640.</summary>
    M,

    /// <summary>YOLOX-L: depth 1.0, width 1.0, 640×640.</summary>
    L,

    /// <summary>YOLOX-X: depth 1.33, width 1.25, 640×640.</summary>
    X,

    /// <summary>YOLOX-Darknet53 (the official yolov3 experiment), 640×640.</summary>
    Darknet53,
}
