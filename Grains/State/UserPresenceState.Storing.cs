namespace FreedomCti.Presence.State;

/// <summary>
/// What of a user's sessions must reach storage, and how stored sessions are read back after the grain was away
/// (docs/presence-sessions.md, "What is stored").
/// </summary>
/// <remarks>
/// Renewals are the bulk of session traffic (every agent, every third of a lease). None of them is stored: the lease
/// lives in the activation. A session that is in the stored book was live when the grain last stored it and has not
/// been ended or expired since (both are stored), so an activation that finds it gives it a full lease from now: a
/// live client, which renews within a third of a lease, never loses its session to a crash, and a client that vanished
/// around the crash is released one lease after the grain came back (the reminder brings it back within one sweep
/// period). Activity moves idle detection, so it is stored when it moved by half the idle threshold.
/// </remarks>
public sealed partial record UserPresenceState
{
    /// <summary>The sessions read back from storage by a new activation: each live one gets a full lease from <paramref name="now"/>.</summary>
    public UserPresenceState WithLeasesResumed(DateTimeOffset now)
    {
        if (Book is not { } book || book.Sessions.IsEmpty) return this;
        var renewedUntil = now + book.Policy.Lease;
        var sessions = book.Sessions.ConvertAll(s => s.ExpiresAt < renewedUntil ? s with { ExpiresAt = renewedUntil } : s);
        return this with { Book = book with { Sessions = sessions } };
    }

    /// <summary>
    /// Whether a session report (a heartbeat) leaves state that storage must hold: anything but the lease changed
    /// (status, pending or manual status), or the session's activity moved by half the idle threshold since it was stored.
    /// </summary>
    public static bool MustStoreReport(SessionBook? stored, SessionBook? current, string sessionId)
    {
        if (current is null || stored?.Find(sessionId) is not { } before || current.Find(sessionId) is not { } after) return true;
        if (before.Status != after.Status || current.Pending != stored.Pending || current.Manual != stored.Manual) return true;
        return after.LastActivityAt - before.LastActivityAt >= current.Policy.Idle / 2;
    }
}
