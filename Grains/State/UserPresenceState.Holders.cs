namespace FreedomCti.Presence.State;

/// <summary>
/// In-band sessions kept alive by their holder's lease instead of per-session renewals (docs/presence-sessions.md,
/// "How the gateway keeps in-band sessions alive"). The grain asks the holders (<see cref="HoldersToConfirm"/>) and
/// hands the answers here.
/// </summary>
/// <remarks>
/// A gateway that renewed its lease at R holds its sockets' sessions until R + lease (each session's own lease). A
/// session whose holder is due to be asked (a third of its lease left) is extended by a lease from now, as a heartbeat
/// would, when the holder is alive; otherwise it loses its holder and its lease runs out as a REST session's does. So a
/// killed gateway's sessions end at most a gateway lease plus a session lease after its last renewal: the last check
/// that found it alive came before R + lease and extended the session by a lease.
/// </remarks>
public sealed partial record UserPresenceState
{
    /// <summary>The gateways holding in-band sessions whose check is due at <paramref name="now"/>; empty almost always.</summary>
    public IReadOnlyList<string> HoldersToConfirm(DateTimeOffset now)
    {
        if (Book is not { } book) return [];
        List<string>? holders = null;
        foreach (var session in book.Sessions)
        {
            if (session is { Holder: { } holder } && session.HolderCheckDue(book.Policy, now) && holders?.Contains(holder) != true)
            {
                (holders ??= []).Add(holder);
            }
        }
        return holders ?? [];
    }

    /// <summary>
    /// Extends the due in-band sessions of every holder that is alive (renewed within a lease of <paramref name="now"/>)
    /// and lets go of those whose holder is not; a renewal, not stored. The same instance when nothing was due.
    /// </summary>
    /// <param name="renewedAt">When each asked holder last renewed its lease; a holder missing here is not judged yet.</param>
    public UserPresenceState WithHoldersConfirmed(IReadOnlyDictionary<string, DateTimeOffset> renewedAt, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(renewedAt);
        if (Book is not { } book) return this;
        var lease = book.Policy.Lease;
        var sessions = book.Sessions;
        var confirmedAt = book.LastConfirmedAt;
        foreach (var session in book.Sessions)
        {
            if (session is not { Holder: { } holder } || !session.HolderCheckDue(book.Policy, now) || !renewedAt.TryGetValue(holder, out var renewed))
            {
                continue;
            }
            if (renewed + lease > now)
            {
                // The gateway proved its sockets open at its renewal: that is when this client was last confirmed.
                var confirmed = renewed < now ? renewed : now;
                var extended = session with
                {
                    ExpiresAt = now + lease,
                    ConfirmedAt = confirmed > session.ConfirmedAt ? confirmed : session.ConfirmedAt,
                };
                sessions = sessions.Replace(session, extended);
                if (confirmed > confirmedAt) confirmedAt = confirmed;
            }
            else
            {
                // The gateway is gone (or cut off for longer than a lease): the session ends with its own lease. A
                // gateway that comes back re-opens its sessions, which makes it their holder again.
                sessions = sessions.Replace(session, session with { Holder = null });
            }
        }
        return ReferenceEquals(sessions, book.Sessions) ? this : this with { Book = book with { Sessions = sessions, LastConfirmedAt = confirmedAt } };
    }
}
