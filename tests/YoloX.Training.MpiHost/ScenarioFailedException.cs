namespace YoloX.Training.MpiHost;

/// <summary>A scenario's own check failed.</summary>
internal sealed class ScenarioFailedException(string message) : Exception(message);
