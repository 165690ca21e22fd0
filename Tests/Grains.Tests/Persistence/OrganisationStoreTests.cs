using System.Collections.Immutable;
using FreedomCti.Presence.Persistence;
using Microsoft.Extensions.Logging.Abstractions;

namespace FreedomCti.Presence.Tests.Persistence;

/// <summary>The organisation's header and its group catalogue in chunks (the same chunk rows as group members).</summary>
public class OrganisationStoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 15, 10, 0, 0, TimeSpan.Zero);
    private static readonly GrainId Id = GrainId.Create("organisation", "org-1");

    private readonly RowStorage _rows = new();
    private readonly RowStorage _legacy = new();

    private OrganisationStore Store() => new(_rows, _legacy, Id, "org-1", NullLogger.Instance);

    private static Dictionary<string, string> Catalogue(int groups) =>
        Enumerable.Range(0, groups).ToDictionary(i => $"group-{i}", i => $"Group {i}");

    [Fact]
    public async Task FiveThousandGroups_RoundTrip_AndARenameRewritesOneChunk()
    {
        var store = Store();
        await store.SaveHeaderAsync(true, "Acme", OrganisationSettings.Default with { MaxQueueWait = TimeSpan.FromMinutes(20) });
        var groups = Catalogue(5_000);
        await store.SaveCatalogueAsync(groups, T0);

        var loaded = Store();
        var catalogue = await loaded.LoadAsync(T0);
        Assert.Equal(groups.OrderBy(g => g.Key, StringComparer.Ordinal), catalogue);
        Assert.Equal(TimeSpan.FromMinutes(20), loaded.Header.Settings!.MaxQueueWait);
        Assert.Equal(1 + 16, _rows.RowNames.Count);

        _rows.ResetCounts();
        groups["group-42"] = "Renamed";
        await loaded.SaveCatalogueAsync(groups, T0);
        Assert.Equal(1, _rows.Writes);
        Assert.Equal("Renamed", (await Store().LoadAsync(T0))["group-42"]);
    }

    [Fact]
    public async Task SingleRowOfAnEarlierVersion_IsMovedToRowsOnce()
    {
        _legacy.Seed("state", Id, new OrganisationRecord
        {
            Exists = true, Name = "Old Org", Settings = new OrganisationSettings(25),
            Groups = new SortedDictionary<string, string>(Catalogue(3), StringComparer.Ordinal),
        });

        var store = Store();
        var catalogue = await store.LoadAsync(T0);

        Assert.Equal(["group-0", "group-1", "group-2"], catalogue.Keys);
        Assert.True(store.Header.Exists);
        Assert.Equal(25, store.Header.Settings!.MaxConnections);
        Assert.Empty(_legacy.RowNames);
        Assert.Equal(3, (await Store().LoadAsync(T0)).Count);
    }
}
