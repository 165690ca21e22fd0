namespace FreedomCti.Presence.State;

/// <summary>How several sessions and a manual status combine into one user status (docs/presence-sessions.md).</summary>
public static class SessionRules
{
    /// <summary>Most telling first: on_call &gt; dnd &gt; busy &gt; available &gt; away &gt; offline.</summary>
    public static int Precedence(PresenceStatus status) => status switch
    {
        PresenceStatus.OnCall => 5,
        PresenceStatus.Dnd => 4,
        PresenceStatus.Busy => 3,
        PresenceStatus.Available => 2,
        PresenceStatus.Away => 1,
        _ => 0,
    };

    /// <summary>The status the live sessions and the manual status give, and what decided it; null without a live session.</summary>
    /// <remarks>
    /// Each live session contributes its own status, or "away" when it is idle. A manual status (set over REST) takes
    /// part too and overrides idle-derived contributions: an agent who said "available" at the desk but whose
    /// softphone has been untouched stays available. On equal precedence manual beats session beats idle.
    /// </remarks>
    public static (PresenceStatus Status, PresenceSource Source)? Derive(
        IReadOnlyList<PresenceSession> sessions, PresenceStatus? manual, SessionPolicy policy, DateTimeOffset now)
    {
        (PresenceStatus Status, PresenceSource Source)? best = null;
        var anyLive = false;
        foreach (var session in sessions)
        {
            if (!session.IsLive(now)) continue;
            anyLive = true;
            var idle = session.IsIdle(now, policy);
            if (idle && manual is not null) continue;
            Consider(ref best, idle ? (PresenceStatus.Away, PresenceSource.Idle) : (session.Status, PresenceSource.Session));
        }
        if (!anyLive) return null;
        if (manual is { } m) Consider(ref best, (m, PresenceSource.Manual));
        return best;
    }

    private static void Consider(ref (PresenceStatus Status, PresenceSource Source)? best, (PresenceStatus Status, PresenceSource Source) candidate)
    {
        if (best is not { } current
            || Precedence(candidate.Status) > Precedence(current.Status)
            || (Precedence(candidate.Status) == Precedence(current.Status) && Rank(candidate.Source) > Rank(current.Source)))
        {
            best = candidate;
        }
    }

    private static int Rank(PresenceSource source) => source switch
    {
        PresenceSource.Manual => 3,
        PresenceSource.Session => 2,
        _ => 1,
    };
}
