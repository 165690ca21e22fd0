using System.Collections.Immutable;
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
            current.Groups ??= new(StringComparer.Ordinal);
            storage.State = new OrganisationRecord { Exists = true, Name = name, Settings = nextSettings, Groups = current.Groups };
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

    public async Task RecordGroupsAsync(ImmutableArray<GroupEntry> defined, ImmutableArray<string> removed)
    {
        // Storage deserializers may hand back a dictionary with the default comparer; ordinal order is the contract.
        var groups = new SortedDictionary<string, string>(storage.State.Groups ?? [], StringComparer.Ordinal);
        var changed = false;
        foreach (var entry in defined.IsDefault ? [] : defined)
        {
            if (!groups.TryGetValue(entry.GroupId, out var name) || name != entry.GroupName)
            {
                groups[entry.GroupId] = entry.GroupName;
                changed = true;
            }
        }
        foreach (var groupId in removed.IsDefault ? [] : removed)
        {
            changed |= groups.Remove(groupId);
        }
        if (!changed) return;
        storage.State.Groups = groups;
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

    public Task<ImmutableArray<GroupEntry>> ListGroupsAsync() =>
        Task.FromResult((storage.State.Groups ?? []).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new GroupEntry(g.Key, g.Value)).ToImmutableArray());

    private OrganisationInfo Info() => new(this.GetPrimaryKeyString(), storage.State.Name, storage.State.Settings);
}
