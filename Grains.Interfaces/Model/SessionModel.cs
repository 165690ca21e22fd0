namespace FreedomCti.Presence;

/// <summary>An organisation's rules for agent presence sessions (docs/presence-sessions.md).</summary>
/// <param name="Enabled">Sessions are opt-in per organisation; without them presence is whatever REST writes last.</param>
/// <param name="Lease">A session not renewed within this time is considered gone (its client crashed or lost the network).</param>
/// <param name="Grace">After the last session ends or expires, the user shows stale for this long, then offline.</param>
/// <param name="Idle">A session with no reported activity for this long turns its "available" into "away".</param>
/// <param name="Debounce">A session-driven status change is published only if it still holds after this long (no flicker).</param>
[GenerateSerializer, Immutable, Alias("fcti.SessionPolicy")]
public sealed record SessionPolicy(bool Enabled, TimeSpan Lease, TimeSpan Grace, TimeSpan Idle, TimeSpan Debounce)
{
    public static readonly SessionPolicy Disabled = new(false, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(2));

    public static readonly SessionPolicy DefaultEnabled = Disabled with { Enabled = true };
}

/// <summary>What decided a user's current status (wire names: the <c>source</c> field; <see cref="None"/> is sent as null).</summary>
[GenerateSerializer, Alias("fcti.PresenceSource")]
public enum PresenceSource
{
    /// <summary>Nothing yet (a new user).</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("none")] None = 0,
    /// <summary>A presence write over REST (an agent's desktop, a supervisor, an integration).</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("manual")] Manual = 1,
    /// <summary>A call started or ended.</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("call")] Call = 2,
    /// <summary>A session's own status (the highest-precedence one among the user's sessions).</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("session")] Session = 3,
    /// <summary>Every session went idle, so "available" became "away".</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("idle")] Idle = 4,
    /// <summary>The last session's lease ran out and the grace period passed.</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("expired")] Expired = 5,
    /// <summary>The last session was closed by a logout.</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("logout")] Logout = 6,
}

/// <summary>Wire names of <see cref="PresenceSource"/> (from its members' attributes).</summary>
public static class PresenceSourceNames
{
    public static string ToWire(this PresenceSource source) => WireNames<PresenceSource>.Of(source);
}

/// <summary>How a session ended.</summary>
[GenerateSerializer, Alias("fcti.SessionEnd")]
public enum SessionEnd
{
    /// <summary>The user logged out on that device: if it was the last session, offline at once.</summary>
    Logout = 0,
    /// <summary>The connection carrying the session dropped: if it was the last one, stale for the grace period, then offline.</summary>
    Disconnected = 1,
}

/// <summary>Opens (or re-opens, with the same id) a presence session.</summary>
/// <param name="Holder">
/// The gateway holding the session in-band on the agent's socket (its <see cref="IGatewayLeaseGrain"/> key), which
/// keeps it alive by its one lease instead of per-session renewals; null for a session the client renews itself (REST).
/// </param>
[GenerateSerializer, Immutable, Alias("fcti.SessionOpen")]
public sealed record SessionOpen(string SessionId, string Device, PresenceStatus Status, string? Holder = null);

/// <summary>A session's heartbeat: renews the lease; may carry the session's new status and user activity.</summary>
[GenerateSerializer, Immutable, Alias("fcti.SessionReport")]
public sealed record SessionReport(PresenceStatus? Status, bool Activity);

/// <summary>One session as its client sees it.</summary>
/// <param name="Holder">
/// The gateway the user grain keeps it for (<see cref="SessionOpen.Holder"/>); for gateways only, never shown to
/// clients. Null from a silo of the version before holders: the gateway then renews that session one by one.
/// </param>
[GenerateSerializer, Immutable, Alias("fcti.SessionInfo")]
public sealed record SessionInfo(
    string SessionId,
    string Device,
    PresenceStatus Status,
    bool Idle,
    DateTimeOffset OpenedAt,
    DateTimeOffset LastActivityAt,
    DateTimeOffset ExpiresAt,
    string? Holder = null);

[GenerateSerializer, Alias("fcti.SessionOutcome")]
public enum SessionOutcome
{
    Done = 0,
    UnknownUser = 1,
    /// <summary>No such session, or its lease already ran out: the client must open a new one.</summary>
    UnknownSession = 2,
    /// <summary>The organisation does not use sessions.</summary>
    Disabled = 3,
    /// <summary>The user already holds the maximum number of sessions.</summary>
    TooMany = 4,
}

/// <summary>What a session call did, with the session and the user's state afterwards (on a replay: the outcome first recorded, the state now).</summary>
[GenerateSerializer, Immutable, Alias("fcti.SessionResult")]
public sealed record SessionResult(SessionOutcome Outcome, SessionInfo? Session, UserSnapshot? User, KeyVerdict Key = KeyVerdict.Fresh);
