namespace YoloX.Training.Augmentation;

/// <summary>Which random affine follows the Mosaic (recipe key <c>affine_style</c>).</summary>
public enum AffineStyle
{
    /// <summary>
    /// [<c>official</c>] YOLOX's <c>random_affine</c> (<see cref="RandomAffine"/>): rotation and scale about the
    /// canvas origin, the output window at the origin, boxes clipped and all kept.
    /// </summary>
    Official,

    /// <summary>
    /// [<c>perspective</c>] YOLOv5's <c>random_perspective</c> as MindYOLO runs it (<see cref="RandomPerspective"/>):
    /// the canvas centred, rotated, scaled and sheared about its centre, the output window placed at 0.5 ± translate
    /// of its size, and boxes that became too small, too thin or mostly cut off dropped (<c>box_candidates</c>).
    /// </summary>
    Perspective,
}
