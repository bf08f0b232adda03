namespace YoloX.Inference;
