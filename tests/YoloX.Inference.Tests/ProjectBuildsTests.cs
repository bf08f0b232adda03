namespace YoloX.Inference.Tests;
