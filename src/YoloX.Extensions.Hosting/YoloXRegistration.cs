namespace YoloX.Extensions.Hosting;

/// <summary>One <c>AddYoloX</c> call: the name of the detector it registered (empty for the default one).</summary>
/// <param name="Name">The options name, which is also the service key of a keyed detector.</param>
public sealed record YoloXRegistration(string Name);
