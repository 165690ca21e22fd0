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

/// <summary>Why a call left a group's queue.</summary>
[GenerateSerializer, Alias("fcti.QueueExit")]
public enum QueueExit
{
    /// <summary>The caller did not say (a dequeue without a reason): counts towards the average wait, like answered and abandoned.</summary>
    Unspecified = 0,
    Answered = 1,
    Abandoned = 2,
    /// <summary>The call waited longer than the organisation's maxQueueWait: presumed lost (its dequeue never came), so its wait is not averaged.</summary>
    Expired = 3,
}

/// <summary>One call that left a queue: which, why, and how long it had waited (what wallboard figures are built from).</summary>
[GenerateSerializer, Immutable, Alias("fcti.QueueDeparture")]
public sealed record QueueDeparture(string CallId, QueueExit Reason, DateTimeOffset LeftAt, double WaitSeconds);

/// <summary>The answer to a dequeue: the call's departure and the queue's metrics now.</summary>
/// <param name="Repeated">The call had already left: <see cref="Departure"/> is the original outcome, nothing changed.</param>
[GenerateSerializer, Immutable, Alias("fcti.QueueLeaveResult")]
public sealed record QueueLeaveResult(QueueDeparture Departure, QueueMetrics Metrics, bool Repeated);
