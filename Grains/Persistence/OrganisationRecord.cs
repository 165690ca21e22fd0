namespace FreedomCti.Presence.Persistence;

/// <summary>An organisation as earlier versions stored it, in one row of <see cref="PresenceStorage.Name"/>; read only to move it to rows (<see cref="OrganisationStore"/>).</summary>
[GenerateSerializer, Alias("fcti.OrganisationRecord")]
public sealed class OrganisationRecord
{
    [Id(0)] public bool Exists { get; set; }
    [Id(1)] public string Name { get; set; } = "";
    [Id(2)] public OrganisationSettings Settings { get; set; } = OrganisationSettings.Default;
    /// <summary>Group id → name: the catalogue the directory keeps for group pickers.</summary>
    [Id(3)] public SortedDictionary<string, string> Groups { get; set; } = new(StringComparer.Ordinal);
}
