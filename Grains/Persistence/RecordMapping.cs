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

    /// <summary>The stored group; Seq is left as stored, the grain starts the activation's epoch on top.</summary>
    public static GroupState ToState(this GroupRecord r)
    {
        if (!r.Exists)
        {
            return GroupState.Empty with { Seq = r.Seq, ChangedAt = r.ChangedAt };
        }
        var members = ImmutableSortedDictionary.CreateRange(
            StringComparer.Ordinal, (r.Members ?? []).Select(m => KeyValuePair.Create(m.UserId, m)));
        var queue = QueueState.Empty with
        {
            Waiting = ImmutableDictionary.CreateRange(
                StringComparer.Ordinal, (r.Waiting ?? []).Select(w => KeyValuePair.Create(w.CallId, w.EnqueuedAt))),
            Departures = [.. (r.Departures ?? []).Select(d => new QueueDeparture(d.LeftAt, d.WaitSeconds))],
        };
        return new GroupState
        {
            Exists = true,
            GroupName = r.GroupName,
            Members = members,
            Summary = GroupSummaries.Compute(members.Values),
            Queue = queue,
            Seq = r.Seq,
            ChangedAt = r.ChangedAt,
        };
    }

    public static GroupRecord ToRecord(this GroupState s, long epoch) => new()
    {
        Exists = s.Exists,
        GroupName = s.GroupName,
        Members = [.. s.Members.Values],
        Waiting = [.. s.Queue.Waiting.Select(w => new WaitingCallRecord(w.Key, w.Value))],
        Departures = [.. s.Queue.Departures.Select(d => new DepartureRecord(d.LeftAt, d.WaitSeconds))],
        Epoch = epoch,
        Seq = s.Seq,
        ChangedAt = s.ChangedAt,
    };
}
