namespace FreedomCti.Presence.Gateway.Limits;

/// <summary>A token bucket for one socket's client messages: a few fields inside the connection, no timer, no allocation.</summary>
public struct MessageRateLimit(double perSecond, int burst, long startTimestamp)
{
    private double _tokens = burst;
    private long _last = startTimestamp;

    /// <summary>Takes one token; false when the socket has sent more than its rate allows.</summary>
    public bool TryTake(long nowTimestamp, TimeProvider clock)
    {
        var elapsed = clock.GetElapsedTime(_last, nowTimestamp).TotalSeconds;
        _last = nowTimestamp;
        _tokens = Math.Min(burst, _tokens + elapsed * perSecond);
        if (_tokens < 1) return false;
        _tokens -= 1;
        return true;
    }
}
