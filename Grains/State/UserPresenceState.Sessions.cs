using System.Collections.Immutable;

namespace FreedomCti.Presence.State;

/// <summary>Session transitions: leases, grace, idle and debounce (docs/presence-sessions.md).</summary>
/// <remarks>
/// Everything time-based happens in <see cref="Evaluate"/>, called after every input and whenever a deadline
/// (<see cref="NextDeadline"/>) passes, so a late evaluation (a silo died, the reminder fired late) reaches the same
/// result as a punctual one: deadlines are computed from stored times, never from when the evaluation ran.
/// </remarks>
public sealed partial record UserPresenceState
{
    /// <summary>Opens a session, or renews and updates one re-opened with the same id.</summary>
    public (SessionOutcome Outcome, UserPresenceState State) WithSessionOpened(SessionOpen open, SessionPolicy policy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(open);
        ArgumentNullException.ThrowIfNull(policy);
        if (!Exists) return (SessionOutcome.UnknownUser, this);
        if (!policy.Enabled) return (SessionOutcome.Disabled, this);

        var book = Book ?? new SessionBook([], policy, null, null, now, null);
        var sessions = book.Sessions.RemoveAll(s => !s.IsLive(now) && s.SessionId != open.SessionId);
        var held = sessions.Find(s => s.SessionId == open.SessionId);
        if (held is null && sessions.Count >= SessionBook.MaxSessions) return (SessionOutcome.TooMany, this);

        // The holder is the opener's: a gateway re-opening takes the session in-band, a REST re-open makes it the client's.
        var session = new PresenceSession(open.SessionId, open.Device, open.Status, held?.OpenedAt ?? now, now, now, now + policy.Lease, open.Holder);
        sessions = held is null ? sessions.Add(session) : sessions.Replace(held, session);
        // Books are replaced, not patched: a grace period or an expired session seen earlier is settled by Evaluate.
        var next = this with { Book = book with { Sessions = sessions, Policy = policy, GraceEndsAt = null, LastConfirmedAt = now } };
        return (SessionOutcome.Done, next.Evaluate(now).StampedFrom(this, now));
    }

    /// <summary>A heartbeat: renews the lease, and may change the session's status or record user activity.</summary>
    public (SessionOutcome Outcome, UserPresenceState State) WithSessionReport(string sessionId, SessionReport report, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (!Exists) return (SessionOutcome.UnknownUser, this);
        if (Book?.Find(sessionId) is not { } held || !held.IsLive(now)) return (SessionOutcome.UnknownSession, this);

        // Choosing a status is activity too: the agent is at the device.
        var active = report.Activity || (report.Status is { } s && s != held.Status);
        var session = held with
        {
            Status = report.Status ?? held.Status,
            LastActivityAt = active ? now : held.LastActivityAt,
            ConfirmedAt = now,
            ExpiresAt = now + Book.Policy.Lease,
        };
        var next = this with { Book = Book with { Sessions = Book.Sessions.Replace(held, session), LastConfirmedAt = now } };
        return (SessionOutcome.Done, next.Evaluate(now).StampedFrom(this, now));
    }

    /// <summary>Ends a session: a logout of the last session means offline now; a dropped connection starts the grace period.</summary>
    public (SessionOutcome Outcome, UserPresenceState State) WithSessionClosed(string sessionId, SessionEnd end, DateTimeOffset now)
    {
        if (!Exists) return (SessionOutcome.UnknownUser, this);
        if (Book?.Find(sessionId) is not { } held) return (SessionOutcome.UnknownSession, this);

        if (end == SessionEnd.Disconnected)
        {
            // Without its holder: a live gateway's lease must not extend a session whose socket closed.
            var expired = held with { ExpiresAt = now < held.ExpiresAt ? now : held.ExpiresAt, Holder = null };
            return (SessionOutcome.Done, (this with { Book = Book with { Sessions = Book.Sessions.Replace(held, expired) } }).Evaluate(now).StampedFrom(this, now));
        }
        var rest = Book.Sessions.Remove(held);
        if (rest.Any(s => s.IsLive(now)))
        {
            return (SessionOutcome.Done, (this with { Book = Book with { Sessions = rest } }).Evaluate(now).StampedFrom(this, now));
        }
        return (SessionOutcome.Done, GoOffline(PresenceSource.Logout, now).StampedFrom(this, now));
    }

    /// <summary>Settles leases, grace, idle and debounce as of <paramref name="now"/>; the same instance when nothing changed.</summary>
    /// <param name="force">Publish a changed status at once, without the debounce (manual writes and call ends).</param>
    public UserPresenceState Evaluate(DateTimeOffset now, bool force = false) => Evaluated(now, force).StampedFrom(this, now);

    private UserPresenceState Evaluated(DateTimeOffset now, bool force)
    {
        if (Book is not { } book) return this;
        var state = this;

        // Expired sessions leave the book; the last one to go starts the grace period from its own expiry.
        var expired = book.Sessions.Where(s => !s.IsLive(now)).ToArray();
        if (expired.Length > 0)
        {
            var live = book.Sessions.RemoveAll(s => !s.IsLive(now));
            var graceEndsAt = book.GraceEndsAt ?? (live.IsEmpty ? expired.Max(s => s.ExpiresAt) + book.Policy.Grace : null);
            book = book with { Sessions = live, GraceEndsAt = graceEndsAt };
            state = state with { Book = book };
        }

        if (book.Sessions.IsEmpty)
        {
            var graceEndsAt = book.GraceEndsAt ?? now;
            if (graceEndsAt <= now)
            {
                return state.GoOffline(PresenceSource.Expired, now);
            }
            var stale = state.Stale ? state : state.Bump(now) with { Stale = true, LastConfirmedAt = book.LastConfirmedAt };
            if (force && book.Manual is { } manual && manual != stale.Status && stale.ActiveCall is null)
            {
                // A write during grace (a supervisor, the PBX) applies; the user stays stale: no client confirmed it.
                return stale.BumpedOnceFrom(state, now) with { PreviousStatus = stale.Status, Status = manual, Source = PresenceSource.Manual };
            }
            return stale;
        }

        if (state.Stale) state = state.Bump(now) with { Stale = false, LastConfirmedAt = null };
        if (state.ActiveCall is not null)
        {
            // On a call the PBX decides; the sessions decide again when the call ends.
            return book.Pending is null ? state : state with { Book = book with { Pending = null } };
        }

        var (status, source) = SessionRules.Derive(book.Sessions, book.Manual, book.Policy, now)!.Value;
        if (status == state.Status)
        {
            var kept = book.Pending is null ? state : state with { Book = book with { Pending = null } };
            if (source == state.Source) return kept;
            // The status holds but something else now decides it (a manual write lost to a session, the session that
            // decided closed): `source` says what decides the status, so it changes, and is published, at once.
            return (kept.Seq == Seq ? kept.Bump(now) : kept) with { Source = source };
        }
        var debounced = !force && book.Policy.Debounce > TimeSpan.Zero && source is PresenceSource.Session or PresenceSource.Idle;
        if (debounced && !(book.Pending is { } pending && pending.Status == status && pending.DueAt <= now))
        {
            // Hold it: a change that reverses within the window is never published (no flicker).
            return book.Pending?.Status == status
                ? state
                : state with { Book = book with { Pending = new PendingStatus(status, source, now + book.Policy.Debounce) } };
        }
        var settled = state.Seq == Seq ? state.Bump(now) : state;
        return settled with
        {
            PreviousStatus = state.Status,
            Status = status,
            Source = source,
            Book = book with { Pending = null },
        };
    }

    /// <summary>When <see cref="Evaluate"/> must run next: a lease, the grace period, an idle threshold or a debounce ends,
    /// or an in-band session's holder is due to be asked (<see cref="HoldersToConfirm"/>, before evaluating).</summary>
    public DateTimeOffset? NextDeadline(DateTimeOffset now)
    {
        if (Book is not { } book) return null;
        DateTimeOffset? next = book.GraceEndsAt;
        if (book.Pending is { } pending) next = Min(next, pending.DueAt);
        foreach (var session in book.Sessions)
        {
            // An in-band session's holder is asked before its lease ends (see WithHoldersConfirmed).
            next = Min(next, session.HolderCheckAt(book.Policy) ?? session.ExpiresAt);
            if (session.IdleAt(book.Policy) is { } idleAt && idleAt > now) next = Min(next, idleAt);
        }
        return next;
    }

    /// <summary>The user's sessions as clients see them.</summary>
    public IReadOnlyList<SessionInfo> SessionInfos(DateTimeOffset now) =>
        Book is { } book ? book.Sessions.Where(s => s.IsLive(now)).Select(s => s.ToInfo(now, book.Policy)).ToArray() : [];

    /// <summary>Leaves session mode: offline (unless on a call, which the PBX will end), no sessions, no manual status.</summary>
    private UserPresenceState GoOffline(PresenceSource source, DateTimeOffset now)
    {
        var bumped = Bump(now) with { Book = null, Stale = false, LastConfirmedAt = null };
        if (ActiveCall is not null)
        {
            return bumped with { ReturnStatus = PresenceStatus.Offline };
        }
        return bumped with
        {
            PreviousStatus = Status,
            Status = PresenceStatus.Offline,
            Source = source,
            LastActivity = now,
        };
    }

    /// <summary>Bumps Seq once for a transition whose evaluation may or may not have bumped it already.</summary>
    private UserPresenceState BumpedOnceFrom(UserPresenceState before, DateTimeOffset now) => Seq == before.Seq ? Bump(now) : this;

    private static DateTimeOffset? Min(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x <= b ? x : b;
}
