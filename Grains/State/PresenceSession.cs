namespace FreedomCti.Presence.State;

/// <summary>One client's presence session: its own status, its lease and the user activity it last reported.</summary>
/// <param name="ConfirmedAt">The last open or heartbeat: the last time this client proved it is alive.</param>
[GenerateSerializer, Immutable, Alias("fcti.PresenceSession")]
public sealed record PresenceSession(
    string SessionId,
    string Device,
    PresenceStatus Status,
    DateTimeOffset OpenedAt,
    DateTimeOffset LastActivityAt,
    DateTimeOffset ConfirmedAt,
    DateTimeOffset ExpiresAt)
{
    public bool IsLive(DateTimeOffset now) => ExpiresAt > now;

    /// <summary>Idle applies to "available" only: busy and dnd are deliberate choices that hold while the agent is away from the keyboard.</summary>
    public bool IsIdle(DateTimeOffset now, SessionPolicy policy) =>
        Status == PresenceStatus.Available && now - LastActivityAt >= policy.Idle;

    /// <summary>When this session turns idle, if it can.</summary>
    public DateTimeOffset? IdleAt(SessionPolicy policy) =>
        Status == PresenceStatus.Available ? LastActivityAt + policy.Idle : null;

    public SessionInfo ToInfo(DateTimeOffset now, SessionPolicy policy) =>
        new(SessionId, Device, Status, IsIdle(now, policy), OpenedAt, LastActivityAt, ExpiresAt);
}
