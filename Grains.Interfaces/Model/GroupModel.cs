using System.Collections.Immutable;

namespace FreedomCti.Presence;

/// <summary>A group's view of one member: enough to draw a wallboard row.</summary>
/// <param name="UserSeq">The member's own seq when this view was taken; older views are ignored.</param>
/// <param name="CallStartedAt">Set while the member is on a call; callDuration is derived from it when rendered.</param>
/// <param name="Stale">The member's client went quiet (last session gone, grace running): a wallboard should flag the row.</param>
/// <param name="StatusSince">When the member entered its current status; null only for a view of an earlier version.</param>
/// <param name="StatusMessage">The reason the member gave, kept only while away, dnd or busy (what a supervisor reads from it).</param>
/// <param name="InSession">The member holds at least one presence session (counts as logged in whatever the status).</param>
[GenerateSerializer, Immutable, Alias("fcti.GroupMember")]
public sealed record GroupMember(
    string UserId,
    string DisplayName,
    string? Extension,
    PresenceStatus Status,
    DateTimeOffset? CallStartedAt,
    long UserSeq,
    bool Stale = false,
    DateTimeOffset? StatusSince = null,
    string? StatusMessage = null,
    bool InSession = false)
{
    /// <summary>Logged in: holds a presence session, or shows any status but offline.</summary>
    public bool LoggedIn => InSession || Status != PresenceStatus.Offline;
}

/// <summary>The available member who has been available longest: who a supervisor expects the next call to go to.</summary>
[GenerateSerializer, Immutable, Alias("fcti.LongestIdle")]
public sealed record LongestIdle(string UserId, DateTimeOffset Since);

/// <summary>Per-status member counts; they always add up to <see cref="TotalMembers"/>.</summary>
/// <param name="LoggedIn">Members with a presence session or a status other than offline.</param>
/// <param name="LongestIdle">The member available for the longest time; null when nobody is available.</param>
[GenerateSerializer, Immutable, Alias("fcti.GroupSummary")]
public sealed record GroupSummary(int TotalMembers, int Available, int Busy, int OnCall, int Away, int Dnd, int Offline, int LoggedIn = 0, LongestIdle? LongestIdle = null)
{
    public static readonly GroupSummary Empty = new(0, 0, 0, 0, 0, 0, 0);
}

/// <summary>The group's call queue.</summary>
/// <param name="OldestWaitingSince">Enqueue time of the oldest waiting call; longestWaitTime is derived from it when rendered.</param>
/// <param name="AverageWaitSeconds">Mean wait of calls that left the queue within the recent window.</param>
/// <param name="ServiceLevelThresholdSeconds">The group's answer target: answered within this counts towards the service level.</param>
/// <param name="Window">Outcomes over the organisation's rolling queue window (queueWindowMinutes).</param>
/// <param name="Today">Outcomes since the organisation's local midnight.</param>
[GenerateSerializer, Immutable, Alias("fcti.QueueMetrics")]
public sealed record QueueMetrics(
    int CallsWaiting,
    DateTimeOffset? OldestWaitingSince,
    int AverageWaitSeconds,
    int ServiceLevelThresholdSeconds = QueueTerms.DefaultServiceLevelThresholdSeconds,
    QueuePeriod? Window = null,
    QueuePeriod? Today = null)
{
    public static readonly QueueMetrics Empty = new(0, null, 0);
}

/// <summary>How calls left a queue over one period (a rolling window, or today), with the rates supervisors manage by.</summary>
/// <param name="Minutes">The rolling window's length; 0 for today.</param>
/// <param name="Since">Today: the organisation's local midnight, with its offset; null for the rolling window.</param>
/// <param name="AbandonRate">abandoned / (answered + abandoned), percent with one decimal; null when no call was answered or abandoned.</param>
/// <param name="ServiceLevel">answered within the threshold / (answered + abandoned), percent with one decimal; null likewise.</param>
[GenerateSerializer, Immutable, Alias("fcti.QueuePeriod")]
public sealed record QueuePeriod(int Minutes, DateTimeOffset? Since, int Answered, int Abandoned, double? AbandonRate, double? ServiceLevel);

/// <summary>What a group's queue figures are computed under: the organisation's day and window, the group's answer target.</summary>
/// <param name="TimeZone">IANA id of the organisation's time zone (where "today" starts).</param>
[GenerateSerializer, Immutable, Alias("fcti.QueueTerms")]
public sealed record QueueTerms(string TimeZone, int WindowMinutes)
{
    public const int DefaultServiceLevelThresholdSeconds = 20;
    public const int DefaultWindowMinutes = 15, MinWindowMinutes = 5, MaxWindowMinutes = 60;
    public const string DefaultTimeZone = "UTC";

    public static readonly QueueTerms Default = new(DefaultTimeZone, DefaultWindowMinutes);
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
/// <param name="AnsweredBy">The member who answered (reason Answered only, when the caller said).</param>
[GenerateSerializer, Immutable, Alias("fcti.QueueDeparture")]
public sealed record QueueDeparture(string CallId, QueueExit Reason, DateTimeOffset LeftAt, double WaitSeconds, string? AnsweredBy = null);

/// <summary>The answer to a dequeue: the call's departure and the queue's metrics now.</summary>
/// <param name="Repeated">The call had already left: <see cref="Departure"/> is the original outcome, nothing changed.</param>
[GenerateSerializer, Immutable, Alias("fcti.QueueLeaveResult")]
public sealed record QueueLeaveResult(QueueDeparture Departure, QueueMetrics Metrics, bool Repeated);
