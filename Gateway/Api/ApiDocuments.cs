using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace FreedomCti.Presence.Gateway.Api;

// Response documents of the REST API: the handlers serialize these records (Api/ApiDocumentMapping.cs builds them),
// and the OpenAPI document describes them. The user and group documents equal the snapshot frames a subscriber gets
// (rendered by PresenceMessageWriter); Gateway.Tests compares the two, and checks real answers against the schemas.

/// <summary>The six presence statuses, as they appear on the wire.</summary>
public static class WireStatuses
{
    public const string Available = "available", Busy = "busy", OnCall = "on_call", Away = "away", Dnd = "dnd", Offline = "offline";
}

[Description("A user's presence document: the envelope of a presence_update with \"snapshot\": true.")]
public sealed record UserDocument(
    [property: AllowedValues("presence_update")] string Type,
    [property: Description("When the user last changed (not when the answer was sent). ISO-8601 UTC with milliseconds.")] DateTimeOffset Timestamp,
    [property: Description("The user topic's sequence number after this change.")] long Seq,
    [property: Description("Always true on REST answers: the document replaces whatever the caller held.")] bool Snapshot,
    UserPresenceDocument Data);

[Description("One user's presence.")]
public sealed record UserPresenceDocument(
    string UserId,
    string OrgId,
    string DisplayName,
    [property: WireStatus] string Status,
    [property: WireStatus,
               Description("The status before the most recent status change; offline for a new user.")] string PreviousStatus,
    [property: Description("The text sent with the last presence write; null when none.")] string? StatusMessage,
    [property: Description("The last presence write, call start or call end.")] DateTimeOffset LastActivity,
    [property: Description("The active call, or null.")] ActiveCallDocument? ActiveCall,
    string? Extension,
    CapabilitiesDocument Capabilities,
    [property: Description("True while the user's last presence session is gone and the grace period runs; false without sessions.")] bool Stale,
    [property: Description("When a presence session last confirmed the status; null without sessions.")] DateTimeOffset? LastConfirmedAt,
    [property: AllowedValues("manual", "call", "session", "idle", "expired", "logout", null),
               Description("What decided the status; null for a new user.")] string? Source);

public sealed record ActiveCallDocument(
    string CallId,
    [property: AllowedValues("inbound", "outbound")] string Direction,
    string? RemoteParty,
    DateTimeOffset StartedAt,
    [property: Description("Whole seconds since startedAt when the answer was rendered.")] int CallDuration);

public sealed record CapabilitiesDocument(bool CanReceiveCalls, bool CanMakeOutbound, bool CanTransfer);

[Description("A group's document: the envelope of a group_presence_update with \"snapshot\": true.")]
public sealed record GroupDocument(
    [property: AllowedValues("group_presence_update")] string Type,
    [property: Description("When the group last changed. ISO-8601 UTC with milliseconds.")] DateTimeOffset Timestamp,
    [property: Description("The group topic's sequence number: (epoch << 32) + counter.")] long Seq,
    [property: Description("Always true on REST answers.")] bool Snapshot,
    GroupPresenceDocument Data);

public sealed record GroupPresenceDocument(
    string GroupId,
    string GroupName,
    string OrgId,
    GroupSummaryDocument Summary,
    [property: Description("Every member, ordered by userId (ordinal).")] IReadOnlyList<GroupMemberDocument> Members,
    QueueMetricsDocument QueueMetrics);

public sealed record GroupMemberDocument(
    string UserId,
    string DisplayName,
    [property: WireStatus] string Status,
    string? Extension,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull),
               Description("Only for an on_call member with an active call: whole seconds since the call started.")] int? CallDuration = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull),
               Description("Present, as true, only while the member's client has gone quiet (grace period).")] bool? Stale = null,
    [property: Description("When the member entered its current status (time in status = now - statusSince); null when not known.")] DateTimeOffset? StatusSince = null,
    [property: Description("The member's status message while away, dnd or busy (the reason); null otherwise.")] string? StatusMessage = null);

[Description("Member counts per status (they add up to totalMembers), who is logged in, and who has been available longest.")]
public sealed record GroupSummaryDocument(
    int TotalMembers, int Available, int Busy, int OnCall, int Away, int Dnd, int Offline,
    [property: Description("Members holding a presence session or showing any status but offline.")] int LoggedIn,
    [property: Description("The available member available longest (the next call's likely taker); null when nobody is available.")] LongestIdleDocument? LongestIdle);

public sealed record LongestIdleDocument(
    string UserId,
    [property: Description("When the member became available; idle time = now - since.")] DateTimeOffset Since);

public sealed record QueueMetricsDocument(
    [property: Description("Calls in the queue now.")] int CallsWaiting,
    [property: Description("Mean wait in seconds of calls that left the queue in the last 15 minutes; 0 when none.")] int AverageWaitTime,
    [property: Description("Seconds the oldest waiting call has waited; 0 when the queue is empty.")] int LongestWaitTime,
    [property: Description("The group's answer target in seconds: answered within it counts towards serviceLevel.")] int ServiceLevelThresholdSeconds,
    [property: Description("Outcomes over the organisation's rolling window (queueWindowMinutes).")] QueueWindowDocument? Window,
    [property: Description("Outcomes since midnight in the organisation's time zone.")] QueueTodayDocument? Today);

[Description("How calls left the queue in the rolling window. Only answered and abandoned calls count (not expired or unspecified).")]
public sealed record QueueWindowDocument(
    [property: Description("The window's length in minutes.")] int Minutes,
    int Answered,
    int Abandoned,
    [property: Description("abandoned / (answered + abandoned) in percent, one decimal; null when neither happened.")] double? AbandonRate,
    [property: Description("answered within the threshold / (answered + abandoned) in percent, one decimal; null when neither happened.")] double? ServiceLevel);

[Description("How calls left the queue since the organisation's local midnight; the same rules as the window.")]
public sealed record QueueTodayDocument(
    [property: Description("The local midnight the day started at, as a UTC time.")] DateTimeOffset Since,
    int Answered,
    int Abandoned,
    double? AbandonRate,
    double? ServiceLevel);

[Description("The answer of the queue endpoints.")]
public sealed record QueueDocument(QueueMetricsDocument QueueMetrics);

public sealed record OrganisationDocument(string OrgId, string Name, OrganisationSettingsDocument Settings);

public sealed record OrganisationSettingsDocument(
    [property: Description("The organisation's limit of open sockets across all gateways; 0 means the service default.")] int MaxConnections,
    SessionSettingsDocument Sessions,
    [property: Description("The longest a call waits in a group's queue before it leaves as expired (a lost dequeue).")] int MaxQueueWaitSeconds,
    [property: Description("IANA time zone id where the queue figures' day (queueMetrics.today) starts.")] string TimeZone,
    [property: Description("The rolling window of the queue figures (queueMetrics.window), in minutes.")] int QueueWindowMinutes);

[Description("The organisation's rules for agent presence sessions (docs/presence-sessions.md).")]
public sealed record SessionSettingsDocument(bool Enabled, int LeaseSeconds, int GraceSeconds, int IdleSeconds, int DebounceMs);

[Description("One presence session of a user.")]
public sealed record SessionDocument(
    string SessionId,
    string Device,
    [property: WireStatus] string Status,
    [property: Description("No activity reported for the organisation's idleSeconds.")] bool Idle,
    DateTimeOffset OpenedAt,
    DateTimeOffset LastActivityAt,
    [property: Description("When the lease runs out without a heartbeat.")] DateTimeOffset ExpiresAt);

[Description("A session and the user's resulting presence (the user object of a presence_update's data).")]
public sealed record SessionAnswerDocument(SessionDocument Session, UserPresenceDocument User);

public sealed record SessionListDocument(string OrgId, string UserId, IReadOnlyList<SessionDocument> Sessions);

[Description("What a bulk import wrote.")]
public sealed record ImportResultDocument(int Users, int Groups, int Memberships);

[Description("A directory import job: its state, progress and times.")]
public sealed record ImportJobDocument(
    string JobId,
    string OrgId,
    [property: AllowedValues("validating", "running", "succeeded", "failed"),
               Description("validating: checking members that are not imported (nothing written yet); failed: unknown members (nothing written) or a step that kept failing (run the import again, it is idempotent).")] string State,
    ImportCountDocument Users,
    ImportCountDocument Groups,
    [property: Description("Memberships the import defines in all.")] int Memberships,
    [property: Description("Members neither imported nor in the organisation: the import failed before any write.")] IReadOnlyList<string> UnknownMembers,
    [property: Description("The latest errors of steps that failed and were retried.")] IReadOnlyList<string> Errors,
    [property: Description("ISO-8601 UTC with milliseconds.")] string CreatedAt,
    [property: Description("When the job last stored progress.")] string UpdatedAt,
    [property: Description("Null while the job runs.")] string? FinishedAt,
    [property: Description("From creation to the end, or to now while it runs.")] long ElapsedMs,
    [property: Description("How often the job continued in a new activation (after a silo died).")] int Resumes);

public sealed record ImportCountDocument(int Done, int Total);

[Description("The answer of a dequeue: the call's departure and the queue's metrics now.")]
public sealed record QueueLeaveDocument(
    QueueMetricsDocument QueueMetrics,
    QueueDepartureDocument Departure,
    [property: Description("True when the call had already left: the departure is the original one and nothing changed.")] bool Repeated);

[Description("One call that left a queue.")]
public sealed record QueueDepartureDocument(
    string CallId,
    [property: AllowedValues("answered", "abandoned", "expired", "unspecified"),
               Description("expired: it waited longer than the organisation's maxQueueWaitSeconds (its dequeue was lost).")] string Reason,
    [property: Description("Whole seconds the call waited.")] int WaitTime,
    [property: Description("ISO-8601 UTC with milliseconds.")] string LeftAt,
    [property: Description("Who answered (reason answered, when the dequeue said); null otherwise.")] string? AnsweredBy = null);

[Description("The organisation's groups, ordered by id.")]
public sealed record GroupListDocument(string OrgId, IReadOnlyList<GroupListEntry> Groups);

public sealed record GroupListEntry(string GroupId, string GroupName);
