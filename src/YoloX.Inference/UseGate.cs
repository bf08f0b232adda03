namespace YoloX.Inference;

/// <summary>
/// Lets calls use a native resource concurrently and lets Dispose release it exactly once, after the last call that
/// got in has left. One interlocked word holds both the count of calls inside and a "closing" bit, so entering
/// (check the bit, add one) and closing (set the bit, then wait for zero) can never interleave wrongly: a call either
/// entered before the bit was set (and is waited for) or sees the bit and is refused.
/// </summary>
internal sealed class UseGate(string ownerName)
{
    private const int ClosingBit = 1 << 30;
    private int _state;

    /// <summary>True once <see cref="Close"/> has begun.</summary>
    public bool IsClosed => (Volatile.Read(ref _state) & ClosingBit) != 0;

    /// <summary>Enters the gate; pair with <see cref="Exit"/> in a finally block.</summary>
    /// <exception cref="ObjectDisposedException">The owner is disposed or being disposed.</exception>
    public void Enter()
    {
        while (true)
        {
            var state = Volatile.Read(ref _state);
            if ((state & ClosingBit) != 0)
            {
                throw new ObjectDisposedException(ownerName);
            }
            if (Interlocked.CompareExchange(ref _state, state + 1, state) == state)
            {
                return;
            }
        }
    }

    /// <summary>Leaves the gate.</summary>
    public void Exit() => Interlocked.Decrement(ref _state);

    /// <summary>
    /// Refuses new calls and waits until the running ones have left. Returns true for the one caller that must now
    /// release the resource; later (or concurrent) callers get false at once.
    /// </summary>
    public bool Close()
    {
        var previous = Interlocked.Or(ref _state, ClosingBit);
        if ((previous & ClosingBit) != 0)
        {
            return false;
        }
        var spin = new SpinWait();
        while ((Volatile.Read(ref _state) & ~ClosingBit) != 0)
        {
            spin.SpinOnce();
        }
        return true;
    }
}
