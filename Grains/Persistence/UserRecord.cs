namespace FreedomCti.Presence.Persistence;

/// <summary>A user as stored: plain properties so any storage serializer (Orleans, JSON) round-trips it.</summary>
[GenerateSerializer, Alias("fcti.UserRecord")]
public sealed class UserRecord
{
    [Id(0)] public bool Exists { get; set; }
    [Id(1)] public UserProfile? Profile { get; set; }
    [Id(2)] public PresenceStatus Status { get; set; }
    [Id(3)] public PresenceStatus PreviousStatus { get; set; }
    [Id(4)] public string? StatusMessage { get; set; }
    [Id(5)] public DateTimeOffset LastActivity { get; set; }
    [Id(6)] public ActiveCall? ActiveCall { get; set; }
    [Id(7)] public PresenceStatus ReturnStatus { get; set; } = PresenceStatus.Available;
    [Id(8)] public List<string> Groups { get; set; } = [];
    [Id(9)] public long Seq { get; set; }
    [Id(10)] public DateTimeOffset ChangedAt { get; set; }
    [Id(11)] public PresenceSource Source { get; set; }
    [Id(12)] public bool Stale { get; set; }
    [Id(13)] public DateTimeOffset? LastConfirmedAt { get; set; }
    /// <summary>Null while the user has no sessions; see <see cref="State.SessionBook"/>.</summary>
    [Id(14)] public SessionBookRecord? Sessions { get; set; }
    /// <summary>Recent idempotency keys, stored with the change each guards; see <see cref="State.IdempotencyLedger"/>.</summary>
    [Id(15)] public List<State.LedgerEntry>? Ledger { get; set; }
    /// <summary>Groups that may not hold this record's view yet; see <see cref="State.GroupPushes"/>.</summary>
    [Id(16)] public List<string>? UnpushedGroups { get; set; }
    /// <summary>When the user entered its status; null in records of earlier versions (read as <see cref="ChangedAt"/>).</summary>
    [Id(17)] public DateTimeOffset? StatusSince { get; set; }
}


/// <summary>A user's sessions as stored.</summary>
[GenerateSerializer, Alias("fcti.SessionBookRecord")]
public sealed class SessionBookRecord
{
    [Id(0)] public List<State.PresenceSession> Sessions { get; set; } = [];
    [Id(1)] public SessionPolicy Policy { get; set; } = SessionPolicy.DefaultEnabled;
    [Id(2)] public PresenceStatus? Manual { get; set; }
    [Id(3)] public DateTimeOffset? GraceEndsAt { get; set; }
    [Id(4)] public DateTimeOffset LastConfirmedAt { get; set; }
    [Id(5)] public PresenceStatus? PendingStatus { get; set; }
    [Id(6)] public PresenceSource PendingSource { get; set; }
    [Id(7)] public DateTimeOffset? PendingDueAt { get; set; }
}
