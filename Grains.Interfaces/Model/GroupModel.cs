using System.Collections.Immutable;

namespace FreedomCti.Presence;

/// <summary>A group's view of one member: enough to draw a wallboard row.</summary>
/// <param name="UserSeq">The member's own seq when this view was taken; older views are ignored.</param>
/// <param name="CallStartedAt">Set while the member is on a call; callDuration is derived from it when rendered.</param>
/// <param name="Stale">The member's client went quiet (last session gone, grace running): a wallboard should flag the row.</param>
[GenerateSerializer, Immutable, Alias("fcti.GroupMember")]
public sealed record GroupMember(
    string UserId,
    string DisplayName,
    string? Extension,
    PresenceStatus Status,
    DateTimeOffset? CallStartedAt,
    long UserSeq,
    bool Stale = false);

/// <summary>Per-status member counts; they always add up to <see cref="TotalMembers"/>.</summary>
[GenerateSerializer, Immutable, Alias("fcti.GroupSummary")]
public sealed record GroupSummary(int TotalMembers, int Available, int Busy, int OnCall, int Away, int Dnd, int Offline)
{
    public static readonly GroupSummary Empty = new(0, 0, 0, 0, 0, 0, 0);
}

/// <summary>The group's call queue.</summary>
/// <param name="OldestWaitingSince">Enqueue time of the oldest waiting call; longestWaitTime is derived from it when rendered.</param>
/// <param name="AverageWaitSeconds">Mean wait of calls that left the queue within the recent window.</param>
[GenerateSerializer, Immutable, Alias("fcti.QueueMetrics")]
public sealed record QueueMetrics(int CallsWaiting, DateTimeOffset? OldestWaitingSince, int AverageWaitSeconds)
{
    public static readonly QueueMetrics Empty = new(0, null, 0);
}

/// <summary>The full, current state of one group: the document a group subscription starts from.</summary>
/// <param name="Seq">The group topic's sequence number this snapshot reflects.</param>
[GenerateSerializer, Immutable, Alias("fcti.GroupSnapshot")]
public sealed record GroupSnapshot(
    string OrgId,
    string GroupId,
    long Seq,
    string GroupName,
    ImmutableArray<GroupMember> Members,
    GroupSummary Summary,
    QueueMetrics Queue,
    DateTimeOffset ChangedAt);
