namespace YoloX.Training.Tests;
