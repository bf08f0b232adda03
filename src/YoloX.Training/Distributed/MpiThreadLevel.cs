namespace YoloX.Training.Distributed;

/// <summary>The thread support asked of <c>MPI_Init_thread</c> (same values in every implementation).</summary>
public enum MpiThreadLevel
{
    /// <summary>Only one thread exists.</summary>
    Single = 0,

    /// <summary>Several threads, but only the one that called init calls MPI (what the trainer needs).</summary>
    Funneled = 1,

    /// <summary>Any thread may call MPI, one at a time.</summary>
    Serialized = 2,

    /// <summary>Any thread may call MPI at any time.</summary>
    Multiple = 3,
}
