namespace FreedomCti.Presence;

/// <summary>Tenant-wide settings.</summary>
/// <param name="MaxConnections">Concurrent WebSocket connections allowed for the organisation; 0 means the service default.</param>
/// <param name="Sessions">Agent presence sessions (leases, grace, idle, debounce); null means disabled.</param>
/// <param name="MaxQueueWait">The longest a call may wait in a group's queue before it leaves as expired; null means <see cref="DefaultMaxQueueWait"/>.</param>
[GenerateSerializer, Immutable, Alias("fcti.OrganisationSettings")]
public sealed record OrganisationSettings(int MaxConnections, SessionPolicy? Sessions = null, TimeSpan? MaxQueueWait = null)
{
    public static readonly OrganisationSettings Default = new(0);

    /// <summary>Long enough for any real queue, short enough that a call whose dequeue was lost does not show as waiting all day.</summary>
    public static readonly TimeSpan DefaultMaxQueueWait = TimeSpan.FromHours(1);

    [System.Text.Json.Serialization.JsonIgnore]
    public SessionPolicy SessionPolicy => Sessions ?? SessionPolicy.Disabled;

    [System.Text.Json.Serialization.JsonIgnore]
    public TimeSpan QueueWaitLimit => MaxQueueWait ?? DefaultMaxQueueWait;
}

/// <summary>An organisation (tenant) as stored.</summary>
[GenerateSerializer, Immutable, Alias("fcti.OrganisationInfo")]
public sealed record OrganisationInfo(string OrgId, string Name, OrganisationSettings Settings);

/// <summary>One entry of an organisation's group catalogue.</summary>
[GenerateSerializer, Immutable, Alias("fcti.GroupEntry")]
public sealed record GroupEntry(string GroupId, string GroupName);
