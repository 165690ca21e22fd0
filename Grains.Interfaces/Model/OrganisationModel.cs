namespace FreedomCti.Presence;

/// <summary>Tenant-wide settings.</summary>
/// <param name="MaxConnections">Concurrent WebSocket connections allowed for the organisation; 0 means the service default.</param>
/// <param name="Sessions">Agent presence sessions (leases, grace, idle, debounce); null means disabled.</param>
[GenerateSerializer, Immutable, Alias("fcti.OrganisationSettings")]
public sealed record OrganisationSettings(int MaxConnections, SessionPolicy? Sessions = null)
{
    public static readonly OrganisationSettings Default = new(0);

    public SessionPolicy SessionPolicy => Sessions ?? SessionPolicy.Disabled;
}

/// <summary>An organisation (tenant) as stored.</summary>
[GenerateSerializer, Immutable, Alias("fcti.OrganisationInfo")]
public sealed record OrganisationInfo(string OrgId, string Name, OrganisationSettings Settings);

/// <summary>One entry of an organisation's group catalogue.</summary>
[GenerateSerializer, Immutable, Alias("fcti.GroupEntry")]
public sealed record GroupEntry(string GroupId, string GroupName);
