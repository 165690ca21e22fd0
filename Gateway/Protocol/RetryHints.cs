namespace FreedomCti.Presence.Gateway.Protocol;

/// <summary>
/// The jittered "retryAfterMs" a retryable close carries: a floor the client waits before reconnecting, spread at
/// random so that sockets closed together (a gateway restart, a full organisation) do not all come back at once.
/// </summary>
/// <remarks>
/// Only codes of <see cref="RetryClass.AfterHint"/> get a hint; reconnecting cannot help the others (or needs a new
/// token). Bounds come from <see cref="GatewayOptions"/>; docs/protocol.md ("Errors and close codes") lists the defaults.
/// </remarks>
public static class RetryHints
{
    /// <summary>The hint for a close with this code, or null when the code is not retried after a hint.</summary>
    public static int? For(PresenceError error, GatewayOptions options) => !IsRetryable(error) ? null : error.Code switch
    {
        1012 => Between(TimeSpan.Zero, options.ReconnectJitter),
        4008 => Between(options.ConnectionLimitRetryBase, options.ConnectionLimitRetryBase + options.ConnectionLimitRetryJitter),
        _ => Between(options.TransientRetryMin, options.TransientRetryMax),
    };

    /// <summary>Whether clients should reconnect after this close (after <see cref="For"/>'s hint).</summary>
    public static bool IsRetryable(PresenceError error) => error.Retry == RetryClass.AfterHint;

    private static int Between(TimeSpan min, TimeSpan max)
    {
        var low = (int)Math.Clamp(min.TotalMilliseconds, 0, int.MaxValue - 1);
        var high = (int)Math.Clamp(max.TotalMilliseconds, low, int.MaxValue - 1);
        return Random.Shared.Next(low, high + 1);
    }
}
