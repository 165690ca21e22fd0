using System.Collections.Immutable;

namespace FreedomCti.Presence.State;

/// <summary>A user's session bookkeeping: present from the first session until the user goes offline again.</summary>
/// <param name="Policy">The organisation's rules as of the last session open.</param>
/// <param name="Manual">A status set over REST while sessions are open; it takes part in the precedence.</param>
/// <param name="GraceEndsAt">Set when the last session ended or expired: stale until then, offline after.</param>
/// <param name="LastConfirmedAt">The last time any session was opened or renewed.</param>
/// <param name="Pending">A session-driven status waiting out the debounce window.</param>
public sealed record SessionBook(
    ImmutableList<PresenceSession> Sessions,
    SessionPolicy Policy,
    PresenceStatus? Manual,
    DateTimeOffset? GraceEndsAt,
    DateTimeOffset LastConfirmedAt,
    PendingStatus? Pending)
{
    /// <summary>Sessions one user may hold at once (desktop, softphone, browser tabs...); more is a client bug.</summary>
    public const int MaxSessions = 8;

    public PresenceSession? Find(string sessionId) => Sessions.Find(s => s.SessionId == sessionId);
}

/// <summary>A status change held back until <see cref="DueAt"/>; published only if the sessions still say so then.</summary>
public sealed record PendingStatus(PresenceStatus Status, PresenceSource Source, DateTimeOffset DueAt);
