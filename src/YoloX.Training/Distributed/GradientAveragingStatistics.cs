namespace YoloX.Training.Distributed;

/// <summary>
/// What <see cref="BucketedGradientAverager"/> has done so far: how much it sent and how long it took (wall clock, so
/// on a busy machine the times are rough).
/// </summary>
/// <param name="Calls">Calls of <see cref="IGradientAverager.Average"/> that communicated.</param>
/// <param name="Buckets">All-reduce calls made.</param>
/// <param name="Bytes">Payload bytes all-reduced by this rank (gradient bytes, not wire bytes).</param>
/// <param name="CommunicationTime">Time inside the all-reduce calls.</param>
/// <param name="TotalTime">Time inside <see cref="IGradientAverager.Average"/> (communication plus packing and copying).</param>
public sealed record GradientAveragingStatistics(
    long Calls, long Buckets, long Bytes, TimeSpan CommunicationTime, TimeSpan TotalTime)
{
    /// <summary>Nothing done yet.</summary>
    public static GradientAveragingStatistics Empty { get; } = new(0, 0, 0, TimeSpan.Zero, TimeSpan.Zero);

    /// <summary>Payload bytes per second of all-reduce time (0 before any communication).</summary>
    public double BytesPerSecond => CommunicationTime > TimeSpan.Zero ? Bytes / CommunicationTime.TotalSeconds : 0;
}
