namespace FreedomCti.Presence.Gateway.Api;

/// <summary>Settings of the REST API, bound from the "Api" configuration section.</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    /// <summary>
    /// How long a write waits for the presence grid before it answers 503 with Retry-After. Well under the grid's
    /// response timeout (Cluster:ResponseTimeout, 10 s), so a write in flight to a silo that just died does not hang
    /// for it. A write past its deadline may still be applied: the client's retry with the same Idempotency-Key learns
    /// which (docs/protocol.md#idempotent-writes).
    /// </summary>
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>What a 503 puts in Retry-After (seconds).</summary>
    public int RetryAfterSeconds { get; set; } = 2;
}
