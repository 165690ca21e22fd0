namespace FreedomCti.Presence.Persistence;

/// <summary>An organisation as stored.</summary>
[GenerateSerializer, Alias("fcti.OrganisationRecord")]
public sealed class OrganisationRecord
{
    [Id(0)] public bool Exists { get; set; }
    [Id(1)] public string Name { get; set; } = "";
    [Id(2)] public OrganisationSettings Settings { get; set; } = OrganisationSettings.Default;
}
