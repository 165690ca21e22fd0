namespace FreedomCti.Presence;

/// <summary>An organisation (tenant), keyed by orgId: whether it exists, its name and settings.</summary>
[Alias("fcti.IOrganisationGrain")]
public interface IOrganisationGrain : IGrainWithStringKey
{
    /// <summary>The organisation, or null when it was never created.</summary>
    [Alias("Get")]
    Task<OrganisationInfo?> GetAsync();

    /// <summary>Creates the organisation or renames it; settings left null keep their current value.</summary>
    [Alias("Upsert")]
    Task<OrganisationInfo> UpsertAsync(string name, OrganisationSettings? settings);

    /// <summary>Keeps the organisation's group catalogue (what a wallboard's group picker lists) in step with the directory.</summary>
    [Alias("RecordGroups")]
    Task RecordGroupsAsync(System.Collections.Immutable.ImmutableArray<GroupEntry> defined, System.Collections.Immutable.ImmutableArray<string> removed);

    /// <summary>The organisation's groups, ordered by id.</summary>
    [Alias("ListGroups"), Orleans.Concurrency.AlwaysInterleave]
    Task<System.Collections.Immutable.ImmutableArray<GroupEntry>> ListGroupsAsync();
}
