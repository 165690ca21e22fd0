using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace FreedomCti.Presence.Persistence;

/// <summary>The organisation's row "header": existence, name, settings and the layout of its group catalogue.</summary>
public sealed class OrganisationHeaderRecord
{
    [JsonPropertyName("exists")] public bool Exists { get; set; }
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("settings")] public OrganisationSettings? Settings { get; set; }
    [JsonPropertyName("catalogue")] public ChunkLayout? Catalogue { get; set; }
    [JsonPropertyName("pending")] public ChunkLayout? Pending { get; set; }

    public OrganisationHeaderRecord Copy() => (OrganisationHeaderRecord)MemberwiseClone();
}

/// <summary>One entry of the group catalogue in a catalogue chunk.</summary>
public sealed class CatalogueEntryRow
{
    [JsonPropertyName("g")] public string GroupId { get; set; } = "";
    [JsonPropertyName("n")] public string GroupName { get; set; } = "";
}

/// <summary>
/// An organisation's storage: the row "header" and the group catalogue in chunk rows "catalogue.{generation}.{index}",
/// the same <see cref="ChunkedRows{T}"/> as group members. Catalogue changes rewrite the chunks they touch; a catalogue
/// that outgrows its chunks is written as a new layout committed by the header (see <see cref="GroupStore"/>).
/// The single-row layout of earlier versions (<see cref="OrganisationRecord"/>) is read once and moved.
/// </summary>
internal sealed class OrganisationStore
{
    private const string HeaderRow = "header", CataloguePrefix = "catalogue", LegacyRow = "state";

    private readonly GrainRows _rows;
    private readonly GrainRows _legacy;
    private readonly ChunkedRows<CatalogueEntryRow> _catalogue;
    private readonly string _orgId;
    private readonly ILogger _logger;
    private OrganisationHeaderRecord _header = new();

    public OrganisationStore(IGrainStorage rows, IGrainStorage legacy, GrainId grainId, string orgId, ILogger logger)
    {
        _rows = new GrainRows(rows, grainId);
        _legacy = new GrainRows(legacy, grainId);
        // A rename of a group must be stored, so the name is part of the fingerprint.
        _catalogue = new ChunkedRows<CatalogueEntryRow>(_rows, CataloguePrefix, e => e.GroupId, e => ChunkHash.Of(e.GroupId, e.GroupName));
        (_orgId, _logger) = (orgId, logger);
    }

    public OrganisationHeaderRecord Header => _header;

    /// <summary>Reads the header and the catalogue (group id → name).</summary>
    public async Task<ImmutableSortedDictionary<string, string>> LoadAsync(DateTimeOffset now)
    {
        var header = await _rows.ReadAsync<OrganisationHeaderRecord>(HeaderRow);
        if (header is null)
        {
            return await MoveFromSingleRowAsync(now);
        }
        _header = header;
        if (header.Pending is { } pending && pending != header.Catalogue) await DeleteQuietlyAsync(pending);
        var layout = header.Catalogue ?? ChunkLayout.Empty;
        var (entries, _, damaged) = await _catalogue.LoadAsync(layout);
        if (damaged.Length > 0) _logger.CatalogueChunksDamaged(_orgId, layout.Generation, string.Join(",", damaged));
        return ToCatalogue(entries);
    }

    public async Task SaveHeaderAsync(bool exists, string name, OrganisationSettings settings)
    {
        var header = _header.Copy();
        (header.Exists, header.Name, header.Settings) = (exists, name, settings);
        await WriteHeaderAsync(header);
    }

    /// <summary>Stores the catalogue, rewriting only the chunks whose entries changed.</summary>
    public async Task SaveCatalogueAsync(IReadOnlyDictionary<string, string> groups, DateTimeOffset now, bool announce = true)
    {
        var entries = groups.Select(g => new CatalogueEntryRow { GroupId = g.Key, GroupName = g.Value }).ToList();
        var plan = _catalogue.Plan(entries, _catalogue.NextGeneration(now), ChunkWriteMode.InPlace);
        if (!plan.Relayout)
        {
            await _catalogue.WriteAsync(plan, entries, now);
            return;
        }
        var old = _catalogue.Layout;
        if (announce)
        {
            var announced = _header.Copy();
            announced.Pending = plan.Layout;
            await WriteHeaderAsync(announced);
        }
        await _catalogue.WriteAsync(plan, entries, now);
        var header = _header.Copy();
        header.Catalogue = plan.Layout.Count == 0 ? null : plan.Layout;
        header.Pending = null;
        await WriteHeaderAsync(header);
        _catalogue.Commit(plan);
        await DeleteQuietlyAsync(old);
    }

    private async Task<ImmutableSortedDictionary<string, string>> MoveFromSingleRowAsync(DateTimeOffset now)
    {
        var record = await _legacy.ReadAsync<OrganisationRecord>(LegacyRow);
        if (record is null)
        {
            return ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal);
        }
        var catalogue = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, record.Groups ?? []);
        // Chunks first, header last: until the header exists the next activation moves the organisation again.
        _header = new OrganisationHeaderRecord { Exists = record.Exists, Name = record.Name, Settings = record.Settings ?? OrganisationSettings.Default };
        await SaveCatalogueAsync(catalogue, now, announce: false);
        if (catalogue.Count == 0) await WriteHeaderAsync(_header.Copy()); // else the catalogue's commit wrote it
        await _legacy.DeleteAsync<OrganisationRecord>(LegacyRow);
        _logger.OrganisationMovedToRows(_orgId, catalogue.Count, _catalogue.Layout.Count);
        return catalogue;
    }

    private async Task WriteHeaderAsync(OrganisationHeaderRecord header)
    {
        await _rows.WriteAsync(HeaderRow, header);
        _header = header;
    }

    private async Task DeleteQuietlyAsync(ChunkLayout layout)
    {
        if (layout.Count == 0) return;
        try
        {
            await _catalogue.DeleteAsync(layout);
        }
        catch (Exception ex)
        {
            _logger.OldRowsNotDeleted(ex, "organisation", _orgId, layout.Count);
        }
    }

    private static ImmutableSortedDictionary<string, string> ToCatalogue(IEnumerable<CatalogueEntryRow> entries) =>
        ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, entries.Select(e => KeyValuePair.Create(e.GroupId, e.GroupName)));
}
