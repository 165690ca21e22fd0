namespace FreedomCti.Presence;

[GenerateSerializer, Alias("fcti.GroupEventKind")]
public enum GroupEventKind
{
    /// <summary>One member's presence or profile changed; <see cref="GroupEvent.Member"/> says how.</summary>
    MemberChanged = 0,
    /// <summary>The call queue changed (coalesced); <see cref="GroupEvent.Queue"/> is current.</summary>
    QueueChanged = 1,
    /// <summary>Name or membership changed; <see cref="GroupEvent.Group"/> is the full new state.</summary>
    GroupChanged = 2,
    /// <summary>The group was deleted from the directory.</summary>
    Removed = 3,
}

/// <summary>A member's change as seen by a group.</summary>
[GenerateSerializer, Immutable, Alias("fcti.MemberChange")]
public sealed record MemberChange(GroupMember Member, PresenceStatus PreviousStatus);

/// <summary>One change on a group's stream; every kind carries the summary and queue that result from it.</summary>
/// <remarks>TraceParent: W3C trace context of the write that caused it (appended last: field ids stay stable).</remarks>
[GenerateSerializer, Immutable, Alias("fcti.GroupEvent")]
public sealed record GroupEvent(
    long Seq,
    GroupEventKind Kind,
    DateTimeOffset Timestamp,
    GroupSummary Summary,
    QueueMetrics Queue,
    MemberChange? Member,
    GroupSnapshot? Group,
    string? TraceParent = null);
