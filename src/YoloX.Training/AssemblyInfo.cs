namespace YoloX.Training;
