using System.Collections.Immutable;
using FreedomCti.Presence.State;

namespace FreedomCti.Presence.Persistence;

/// <summary>Converts between the pure states and their stored records.</summary>
public static class RecordMapping
{
    public static UserPresenceState ToState(this UserRecord r) => new()
    {
        Exists = r.Exists && r.Profile is not null,
        Profile = r.Profile,
        Status = r.Status,
        PreviousStatus = r.PreviousStatus,
        StatusMessage = r.StatusMessage,
        LastActivity = r.LastActivity,
        ActiveCall = r.ActiveCall,
        ReturnStatus = r.ReturnStatus,
        Groups = ImmutableSortedSet.CreateRange(StringComparer.Ordinal, r.Groups ?? []),
        Seq = r.Seq,
        ChangedAt = r.ChangedAt,
        Source = r.Source,
        Stale = r.Stale,
        // Earlier versions did not store it: the last change is the best bound there is (never later than the truth's day).
        StatusSince = r.StatusSince ?? r.ChangedAt,
        LastConfirmedAt = r.LastConfirmedAt,
        Book = r.Sessions is { } b
            ? new SessionBook([.. b.Sessions ?? []], b.Policy ?? SessionPolicy.DefaultEnabled, b.Manual, b.GraceEndsAt, b.LastConfirmedAt,
                b.PendingStatus is { } p && b.PendingDueAt is { } due ? new PendingStatus(p, b.PendingSource, due) : null)
            : null,
    };

    /// <summary>The user's recent idempotency keys as stored.</summary>
    public static IdempotencyLedger ToLedger(this UserRecord r) => r.Ledger is { Count: > 0 } entries ? new([.. entries]) : IdempotencyLedger.Empty;

    /// <summary>The user as stored, with the keys and pending pushes that must be stored in the same write.</summary>
    public static UserRecord ToRecord(this UserPresenceState s, IdempotencyLedger ledger, GroupPushes pushes)
    {
        var record = s.ToRecord();
        record.Ledger = ledger.Entries.IsEmpty ? null : [.. ledger.Entries];
        record.UnpushedGroups = pushes.Pending.IsEmpty ? null : [.. pushes.Pending];
        return record;
    }

    public static UserRecord ToRecord(this UserPresenceState s) => new()
    {
        Exists = s.Exists,
        Profile = s.Profile,
        Status = s.Status,
        PreviousStatus = s.PreviousStatus,
        StatusMessage = s.StatusMessage,
        LastActivity = s.LastActivity,
        ActiveCall = s.ActiveCall,
        ReturnStatus = s.ReturnStatus,
        Groups = [.. s.Groups],
        Seq = s.Seq,
        ChangedAt = s.ChangedAt,
        Source = s.Source,
        Stale = s.Stale,
        StatusSince = s.StatusSince,
        LastConfirmedAt = s.LastConfirmedAt,
        Sessions = s.Book is { } b
            ? new SessionBookRecord
            {
                Sessions = [.. b.Sessions],
                Policy = b.Policy,
                Manual = b.Manual,
                GraceEndsAt = b.GraceEndsAt,
                LastConfirmedAt = b.LastConfirmedAt,
                PendingStatus = b.Pending?.Status,
                PendingSource = b.Pending?.Source ?? PresenceSource.None,
                PendingDueAt = b.Pending?.DueAt,
            }
            : null,
    };

    /// <summary>A group stored in the single-row layout of earlier versions (read once, then moved to rows; see GroupStore).</summary>
    /// <remarks>Old waiting calls get the default maxQueueWait; old departures had no call id or reason.</remarks>
    public static GroupState ToState(this GroupRecord r)
    {
        if (!r.Exists)
        {
            return GroupState.Empty with { ChangedAt = r.ChangedAt };
        }
        var members = ImmutableSortedDictionary.CreateRange(
            StringComparer.Ordinal, (r.Members ?? []).Select(m => KeyValuePair.Create(m.UserId, m)));
        var queue = QueueState.Empty with
        {
            Waiting = ImmutableDictionary.CreateRange(StringComparer.Ordinal, (r.Waiting ?? []).Select(w =>
                KeyValuePair.Create(w.CallId, new WaitingCall(w.EnqueuedAt, w.EnqueuedAt + OrganisationSettings.DefaultMaxQueueWait)))),
            Departures = [.. (r.Departures ?? []).Select(d => new QueueDeparture("", QueueExit.Unspecified, d.LeftAt, d.WaitSeconds))],
        };
        return GroupState.Restored(r.GroupName, members, queue, r.ChangedAt);
    }

    public static GroupQueueRecord ToRecord(this QueueState q) => new()
    {
        Waiting = [.. q.Waiting.OrderBy(w => w.Value.EnqueuedAt).Select(w => new WaitingCallRow { CallId = w.Key, EnqueuedAt = w.Value.EnqueuedAt, ExpiresAt = w.Value.ExpiresAt })],
        Departures = [.. q.Departures.Select(d => new DepartureRow { CallId = d.CallId, Reason = d.Reason, LeftAt = d.LeftAt, WaitSeconds = d.WaitSeconds, AnsweredBy = d.AnsweredBy })],
        OutcomeMinutes = q.Outcomes.Minutes.Count == 0 ? null
            : [.. q.Outcomes.Minutes.Select(m => new OutcomeMinuteRow { Minute = m.Key, Answered = m.Value.Answered, AnsweredWithinThreshold = m.Value.AnsweredWithinThreshold, Abandoned = m.Value.Abandoned })],
        Day = q.Outcomes.Day,
        Today = q.Outcomes.Day is null ? null
            : new OutcomeCountsRow { Answered = q.Outcomes.Today.Answered, AnsweredWithinThreshold = q.Outcomes.Today.AnsweredWithinThreshold, Abandoned = q.Outcomes.Today.Abandoned },
        TimeZone = q.Terms.TimeZone,
        WindowMinutes = q.Terms.WindowMinutes,
        ServiceLevelThresholdSeconds = q.ServiceLevelThresholdSeconds,
    };

    public static QueueState ToState(this GroupQueueRecord? r) => r is null ? QueueState.Empty : QueueState.Empty with
    {
        Waiting = ImmutableDictionary.CreateRange(StringComparer.Ordinal,
            (r.Waiting ?? []).Select(w => KeyValuePair.Create(w.CallId, new WaitingCall(w.EnqueuedAt, w.ExpiresAt)))),
        Departures = [.. (r.Departures ?? []).Select(d => new QueueDeparture(d.CallId, d.Reason, d.LeftAt, d.WaitSeconds, d.AnsweredBy))],
        Outcomes = new QueueOutcomes
        {
            Minutes = ImmutableSortedDictionary.CreateRange((r.OutcomeMinutes ?? []).Select(m => KeyValuePair.Create(m.Minute, Counts(m)))),
            Day = r.Day,
            Today = r.Today is { } t ? Counts(t) : default,
        },
        Terms = new QueueTerms(r.TimeZone ?? QueueTerms.DefaultTimeZone, r.WindowMinutes ?? QueueTerms.DefaultWindowMinutes),
        ServiceLevelThresholdSeconds = r.ServiceLevelThresholdSeconds ?? QueueTerms.DefaultServiceLevelThresholdSeconds,
    };

    private static OutcomeCounts Counts(OutcomeCountsRow r) => new(r.Answered, r.AnsweredWithinThreshold, r.Abandoned);
}
