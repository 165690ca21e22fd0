namespace FreedomCti.Presence.Gateway.Topics;

/// <summary>
/// Keeps the last rendered snapshot frame of a topic, so a burst of subscribers shares one serialization.
/// </summary>
/// <remarks>
/// A frame is reused while the seq is unchanged and it is under a second old: durations in it (callDuration,
/// longestWaitTime) are whole seconds, so an older frame could show a stale count.
/// </remarks>
public struct SnapshotFrameCache
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);
    private byte[]? _frame;
    private long _seq;
    private DateTimeOffset _renderedAt;

    public byte[] GetOrRender(long seq, DateTimeOffset now, Func<byte[]> render)
    {
        if (_frame is null || _seq != seq || now - _renderedAt >= MaxAge || now < _renderedAt)
        {
            _frame = render();
            _seq = seq;
            _renderedAt = now;
        }
        return _frame;
    }
}
