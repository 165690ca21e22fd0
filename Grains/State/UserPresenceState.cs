using System.Collections.Immutable;

namespace FreedomCti.Presence.State;

/// <summary>One user's presence rules as an immutable value: every visible change returns a new state with Seq + 1.</summary>
/// <remarks>
/// Transitions that change nothing visible return the same instance, so callers can skip the write and the publish
/// with a reference comparison. Group membership is bookkeeping, not part of the user topic, and never bumps Seq.
/// </remarks>
public sealed partial record UserPresenceState
{
    public static readonly UserPresenceState Empty = new();

    public bool Exists { get; init; }
    public UserProfile? Profile { get; init; }
    public PresenceStatus Status { get; init; } = PresenceStatus.Offline;
    public PresenceStatus PreviousStatus { get; init; } = PresenceStatus.Offline;
    public string? StatusMessage { get; init; }
    public DateTimeOffset LastActivity { get; init; }
    public ActiveCall? ActiveCall { get; init; }

    /// <summary>The status to resume when the active call ends (chosen before or during the call).</summary>
    public PresenceStatus ReturnStatus { get; init; } = PresenceStatus.Available;

    public ImmutableSortedSet<string> Groups { get; init; } = ImmutableSortedSet.Create<string>(StringComparer.Ordinal);

    /// <summary>The user topic's sequence number; kept across deletion so a re-created user never goes backwards.</summary>
    public long Seq { get; init; }

    /// <summary>When the last visible change happened.</summary>
    public DateTimeOffset ChangedAt { get; init; }

    /// <summary>When the user entered <see cref="Status"/>: set by every transition that changes the status, kept by all others.</summary>
    public DateTimeOffset StatusSince { get; init; }

    /// <summary>What decided <see cref="Status"/>.</summary>
    public PresenceSource Source { get; init; }

    /// <summary>The last session is gone and the grace period runs: the status may no longer be true.</summary>
    public bool Stale { get; init; }

    /// <summary>While stale: when a client last confirmed the user's presence.</summary>
    public DateTimeOffset? LastConfirmedAt { get; init; }

    /// <summary>The user's presence sessions; null while the user has none (presence is then whatever REST wrote).</summary>
    public SessionBook? Book { get; init; }

    /// <summary>Creates the user (offline, no groups) or updates its profile; the same instance when nothing changes.</summary>
    public UserPresenceState WithProfile(UserProfile profile, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (Exists)
        {
            return profile == Profile ? this : Bump(now) with { Profile = profile };
        }
        // A re-created user starts afresh but keeps counting from its old seq (see Seq).
        return Empty with { Exists = true, Profile = profile, Seq = Seq + 1, ChangedAt = now, LastActivity = now, StatusSince = now };
    }

    /// <summary>Applies a chosen status; during a call it only sets the status to resume afterwards.</summary>
    public UserPresenceState WithPresence(PresenceChange change, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(change);
        RequireExists();
        return Presence(change, now).StampedFrom(this, now);
    }

    private UserPresenceState Presence(PresenceChange change, DateTimeOffset now)
    {
        if (ActiveCall is not null)
        {
            var during = Bump(now) with { ReturnStatus = ResumableStatus(change.Status), StatusMessage = change.StatusMessage, LastActivity = now };
            return Book is null ? during : during with { Book = Book with { Manual = change.Status } };
        }
        if (Book is not null)
        {
            // With sessions the manual status is one contribution among the sessions' (SessionRules); never debounced.
            // Every write is published (it may change the message), but Seq grows by one only.
            // Evaluate sets `source` to what now decides, also when the status stayed (the manual choice or a session).
            return (this with { StatusMessage = change.StatusMessage, LastActivity = now, Book = Book with { Manual = change.Status } })
                .Evaluate(now, force: true).BumpedOnceFrom(this, now);
        }
        return Bump(now) with
        {
            PreviousStatus = change.Status == Status ? PreviousStatus : Status,
            Status = change.Status,
            StatusMessage = change.StatusMessage,
            LastActivity = now,
            Source = PresenceSource.Manual,
        };
    }

    /// <summary>Puts the user on a call; repeating the active call's start is a no-op, another call is a conflict.</summary>
    public CallTransition WithCallStarted(ActiveCall call, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (!Exists)
        {
            return new(CallOutcome.UnknownUser, this);
        }
        if (ActiveCall is not null)
        {
            return ActiveCall.CallId == call.CallId ? new(CallOutcome.Done, this) : new(CallOutcome.Conflict, this);
        }
        var next = Bump(now) with
        {
            ReturnStatus = ResumableStatus(Status),
            PreviousStatus = Status == PresenceStatus.OnCall ? PreviousStatus : Status,
            Status = PresenceStatus.OnCall,
            ActiveCall = call,
            LastActivity = now,
            Source = PresenceSource.Call,
            Book = Book is null ? null : Book with { Pending = null },
        };
        return new(CallOutcome.Done, next.StampedFrom(this, now));
    }

    /// <summary>Ends the active call and resumes the return status.</summary>
    public CallTransition WithCallEnded(string callId, DateTimeOffset now) =>
        CallEnded(callId, now) is { Outcome: CallOutcome.Done } done ? done with { State = done.State.StampedFrom(this, now) } : CallEnded(callId, now);

    private CallTransition CallEnded(string callId, DateTimeOffset now)
    {
        if (!Exists)
        {
            return new(CallOutcome.UnknownUser, this);
        }
        if (ActiveCall is null)
        {
            return new(CallOutcome.UnknownCall, this);
        }
        if (ActiveCall.CallId != callId)
        {
            return new(CallOutcome.Conflict, this);
        }
        var afterCall = new CallTransition(CallOutcome.Done, Bump(now) with
        {
            PreviousStatus = PresenceStatus.OnCall,
            Status = ReturnStatus,
            ActiveCall = null,
            ReturnStatus = PresenceStatus.Available,
            LastActivity = now,
            Source = PresenceSource.Call,
        });
        if (Book is null) return afterCall;
        // With sessions, the status after the call is what they (and any manual choice) say, at once (no debounce).
        var evaluated = (this with { ActiveCall = null, LastActivity = now }).Evaluate(now, force: true);
        if (evaluated.Book is null || evaluated.Status == PresenceStatus.OnCall)
        {
            // Went offline at the call's end, or no live session to decide (grace): the plain rule applies.
            return evaluated.Book is null ? new(CallOutcome.Done, evaluated) : afterCall;
        }
        return new(CallOutcome.Done, evaluated.BumpedOnceFrom(this, now) with { ReturnStatus = PresenceStatus.Available });
    }

    /// <summary>Records membership; no Seq bump because nothing on the user topic changes.</summary>
    public UserPresenceState WithGroupJoined(string groupId) =>
        Groups.Contains(groupId) ? this : this with { Groups = Groups.Add(groupId) };

    /// <summary>Forgets membership; no Seq bump because nothing on the user topic changes.</summary>
    public UserPresenceState WithGroupLeft(string groupId) =>
        Groups.Contains(groupId) ? this with { Groups = Groups.Remove(groupId) } : this;

    /// <summary>The tombstone left after deletion: nothing but the seq of the Removed event.</summary>
    public UserPresenceState WithDeleted(DateTimeOffset now) => Empty with { Seq = Seq + 1, ChangedAt = now };

    public UserSnapshot ToSnapshot(string orgId, string userId)
    {
        RequireExists();
        return new UserSnapshot(orgId, userId, Seq, Profile!, Status, PreviousStatus, StatusMessage, LastActivity, ActiveCall, ChangedAt,
            Stale, Stale ? LastConfirmedAt : null, Source, StatusSince, InSession);
    }

    public GroupMember ToMember(string userId)
    {
        RequireExists();
        return new GroupMember(userId, Profile!.DisplayName, Profile.Extension, Status, ActiveCall?.StartedAt, Seq, Stale,
            StatusSince, MemberViews.ReasonShown(Status, StatusMessage), InSession);
    }

    /// <summary>Holds at least one presence session (a live or grace-period book counts: the client may come back).</summary>
    public bool InSession => Book is { Sessions.IsEmpty: false };

    /// <summary>
    /// Stamps <see cref="StatusSince"/> when this state's status differs from <paramref name="before"/>'s; every public
    /// transition ends here, so a change of message, profile, call or session that keeps the status keeps the time.
    /// </summary>
    private UserPresenceState StampedFrom(UserPresenceState before, DateTimeOffset now) =>
        Exists && (Status != before.Status || !before.Exists) && StatusSince != now ? this with { StatusSince = now } : this;

    // Returning to on_call after a call would leave the user stuck on a call that no longer exists.
    private static PresenceStatus ResumableStatus(PresenceStatus status) =>
        status == PresenceStatus.OnCall ? PresenceStatus.Available : status;

    private UserPresenceState Bump(DateTimeOffset now) => this with { Seq = Seq + 1, ChangedAt = now };

    private void RequireExists()
    {
        if (!Exists)
        {
            throw new InvalidOperationException("The user does not exist.");
        }
    }
}
