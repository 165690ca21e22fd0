namespace FreedomCti.Presence;

/// <summary>Tenant-wide settings.</summary>
/// <param name="MaxConnections">Concurrent WebSocket connections allowed for the organisation; 0 means the service default.</param>
/// <param name="Sessions">Agent presence sessions (leases, grace, idle, debounce); null means disabled.</param>
/// <param name="MaxQueueWait">The longest a call may wait in a group's queue before it leaves as expired; null means <see cref="DefaultMaxQueueWait"/>.</param>
/// <param name="TimeZone">IANA id of the organisation's time zone (where a queue's "today" starts); null means UTC.</param>
/// <param name="QueueWindowMinutes">The rolling window of the queue figures; null means <see cref="QueueTerms.DefaultWindowMinutes"/>.</param>
[GenerateSerializer, Immutable, Alias("fcti.OrganisationSettings")]
public sealed record OrganisationSettings(
    int MaxConnections,
    SessionPolicy? Sessions = null,
    TimeSpan? MaxQueueWait = null,
    string? TimeZone = null,
    int? QueueWindowMinutes = null)
{
    public static readonly OrganisationSettings Default = new(0);

    /// <summary>Long enough for any real queue, short enough that a call whose dequeue was lost does not show as waiting all day.</summary>
    public static readonly TimeSpan DefaultMaxQueueWait = TimeSpan.FromHours(1);

    [System.Text.Json.Serialization.JsonIgnore]
    public SessionPolicy SessionPolicy => Sessions ?? SessionPolicy.Disabled;

    [System.Text.Json.Serialization.JsonIgnore]
    public TimeSpan QueueWaitLimit => MaxQueueWait ?? DefaultMaxQueueWait;

    /// <summary>What the organisation's queue figures are computed under; a dequeue hands it to the group.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public QueueTerms QueueTerms => new(TimeZone ?? QueueTerms.DefaultTimeZone, QueueWindowMinutes ?? QueueTerms.DefaultWindowMinutes);
}

/// <summary>An organisation (tenant) as stored.</summary>
[GenerateSerializer, Immutable, Alias("fcti.OrganisationInfo")]
public sealed record OrganisationInfo(string OrgId, string Name, OrganisationSettings Settings);

/// <summary>One entry of an organisation's group catalogue.</summary>
[GenerateSerializer, Immutable, Alias("fcti.GroupEntry")]
public sealed record GroupEntry(string GroupId, string GroupName);
