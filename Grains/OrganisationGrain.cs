using FreedomCti.Presence.Persistence;

namespace FreedomCti.Presence.Grains;

/// <summary>An organisation (tenant): existence, name and settings, persisted on every change.</summary>
public sealed class OrganisationGrain(
    [PersistentState("state", PresenceStorage.Name)] IPersistentState<OrganisationRecord> storage) : Grain, IOrganisationGrain
{
    public Task<OrganisationInfo?> GetAsync() => Task.FromResult(storage.State.Exists ? Info() : null);

    public async Task<OrganisationInfo> UpsertAsync(string name, OrganisationSettings? settings)
    {
        ArgumentNullException.ThrowIfNull(name);
        var current = storage.State;
        var nextSettings = settings ?? (current.Exists ? current.Settings : OrganisationSettings.Default);
        if (!current.Exists || current.Name != name || current.Settings != nextSettings)
        {
            storage.State = new OrganisationRecord { Exists = true, Name = name, Settings = nextSettings };
            try
            {
                await storage.WriteStateAsync();
            }
            catch
            {
                DeactivateOnIdle();
                throw;
            }
        }
        return Info();
    }

    private OrganisationInfo Info() => new(this.GetPrimaryKeyString(), storage.State.Name, storage.State.Settings);
}
