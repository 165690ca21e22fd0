using System.Collections.Immutable;
using FreedomCti.Presence.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace FreedomCti.Presence.Grains;

/// <summary>An organisation (tenant): existence, name, settings and the group catalogue, persisted on every change.</summary>
/// <remarks>The catalogue is stored in chunks (<see cref="OrganisationStore"/>), so a change of one group rewrites one small row.</remarks>
public sealed class OrganisationGrain(TimeProvider time, ILogger<OrganisationGrain> logger) : Grain, IOrganisationGrain
{
    private OrganisationStore _store = null!;
    private ImmutableSortedDictionary<string, string> _groups = ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _store = new OrganisationStore(
            ServiceProvider.GetRequiredKeyedService<IGrainStorage>(PresenceStorage.Rows),
            ServiceProvider.GetRequiredKeyedService<IGrainStorage>(PresenceStorage.Name),
            this.GetGrainId(), this.GetPrimaryKeyString(), logger);
        _groups = await _store.LoadAsync(time.GetUtcNow());
    }

    public Task<OrganisationInfo?> GetAsync() => Task.FromResult(_store.Header.Exists ? Info() : null);

    public async Task<OrganisationInfo> UpsertAsync(string name, OrganisationSettings? settings)
    {
        ArgumentNullException.ThrowIfNull(name);
        var current = _store.Header;
        var currentSettings = current.Settings ?? OrganisationSettings.Default;
        var nextSettings = settings ?? (current.Exists ? currentSettings : OrganisationSettings.Default);
        if (!current.Exists || current.Name != name || currentSettings != nextSettings)
        {
            await WriteAsync(() => _store.SaveHeaderAsync(true, name, nextSettings));
        }
        return Info();
    }

    public async Task RecordGroupsAsync(ImmutableArray<GroupEntry> defined, ImmutableArray<string> removed)
    {
        var groups = _groups.ToBuilder();
        foreach (var entry in defined.IsDefault ? [] : defined)
        {
            groups[entry.GroupId] = entry.GroupName;
        }
        foreach (var groupId in removed.IsDefault ? [] : removed)
        {
            groups.Remove(groupId);
        }
        var next = groups.ToImmutable();
        if (next.Count == _groups.Count && next.All(g => _groups.TryGetValue(g.Key, out var name) && name == g.Value)) return;
        await WriteAsync(() => _store.SaveCatalogueAsync(next, time.GetUtcNow()));
        _groups = next;
    }

    public Task<ImmutableArray<GroupEntry>> ListGroupsAsync() =>
        Task.FromResult(_groups.Select(g => new GroupEntry(g.Key, g.Value)).ToImmutableArray());

    private async Task WriteAsync(Func<Task> write)
    {
        try
        {
            await write();
        }
        catch
        {
            // What storage holds is now unknown: reload on the next call rather than guess.
            DeactivateOnIdle();
            throw;
        }
    }

    private OrganisationInfo Info() =>
        new(this.GetPrimaryKeyString(), _store.Header.Name, _store.Header.Settings ?? OrganisationSettings.Default);
}
