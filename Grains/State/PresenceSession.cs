namespace FreedomCti.Presence.State;

/// <summary>One client's presence session: its own status, its lease and the user activity it last reported.</summary>
/// <param name="ConfirmedAt">The last open or heartbeat (or its holder's renewal): the last time this client proved it is alive.</param>
/// <param name="Holder">
/// The gateway holding the session in-band on the agent's socket (its <see cref="IGatewayLeaseGrain"/> key): the
/// session is kept alive while that gateway's lease is, not by heartbeats. Null for a session its client renews
/// itself (REST), and in books stored before holders were recorded (the storage serializer leaves a missing field
/// null), which read back as REST sessions: the gateways of that version renewed their sessions one by one.
/// </param>
[GenerateSerializer, Immutable, Alias("fcti.PresenceSession")]
public sealed record PresenceSession(
    string SessionId,
    string Device,
    PresenceStatus Status,
    DateTimeOffset OpenedAt,
    DateTimeOffset LastActivityAt,
    DateTimeOffset ConfirmedAt,
    DateTimeOffset ExpiresAt,
    string? Holder = null)
{
    public bool IsLive(DateTimeOffset now) => ExpiresAt > now;

    /// <summary>
    /// When the holder of an in-band session is asked whether it is still alive: with a third of the lease left, so
    /// that the answer (normally from a per-silo cache, else one call) extends a live one before it ever ends.
    /// </summary>
    public DateTimeOffset? HolderCheckAt(SessionPolicy policy) => Holder is null ? null : ExpiresAt - policy.Lease / 3;

    /// <summary>Whether this is an in-band session whose holder is due to be asked at <paramref name="now"/>.</summary>
    public bool HolderCheckDue(SessionPolicy policy, DateTimeOffset now) => HolderCheckAt(policy) <= now;

    /// <summary>Idle applies to "available" only: busy and dnd are deliberate choices that hold while the agent is away from the keyboard.</summary>
    public bool IsIdle(DateTimeOffset now, SessionPolicy policy) =>
        Status == PresenceStatus.Available && now - LastActivityAt >= policy.Idle;

    /// <summary>When this session turns idle, if it can.</summary>
    public DateTimeOffset? IdleAt(SessionPolicy policy) =>
        Status == PresenceStatus.Available ? LastActivityAt + policy.Idle : null;

    public SessionInfo ToInfo(DateTimeOffset now, SessionPolicy policy) =>
        new(SessionId, Device, Status, IsIdle(now, policy), OpenedAt, LastActivityAt, ExpiresAt, Holder);
}
