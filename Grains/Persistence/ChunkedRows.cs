using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace FreedomCti.Presence.Persistence;

/// <summary>One chunk of a chunked collection as stored: its generation (checked on load) and its items.</summary>
public sealed class ChunkRecord<T>
{
    [JsonPropertyName("g")] public long Generation { get; set; }
    [JsonPropertyName("at")] public DateTimeOffset ChangedAt { get; set; }
    [JsonPropertyName("i")] public List<T> Items { get; set; } = [];
}

/// <summary>
/// A keyed collection stored as chunk rows of a <see cref="ChunkLayout"/> (see <see cref="ChunkPlan"/> for what a change
/// writes). The owner's header stores the layout: load with the header's layout, write a plan, commit the plan's layout
/// in the header, then retire the layout it replaced. One implementation for group members and the group catalogue.
/// </summary>
internal sealed class ChunkedRows<T>(GrainRows rows, string prefix, Func<T, string> keyOf, Func<T, ulong> fingerprintOf)
{
    /// <summary>Chunk rows read or written at once: enough to hide storage latency, few enough not to flood it.</summary>
    private const int MaxInFlight = 16;

    private ulong[] _fingerprints = [];

    /// <summary>The layout storage holds (as committed by the owner's header).</summary>
    public ChunkLayout Layout { get; private set; } = ChunkLayout.Empty;

    /// <summary>
    /// A generation for a new layout: the clock's ticks, kept above the stored one. Any value works as long as the stored
    /// layout's rows are not overwritten; rows of an abandoned layout that happen to share it are taken over.
    /// </summary>
    public long NextGeneration(DateTimeOffset now) => Math.Max(now.UtcTicks, Layout.Generation + 1);

    /// <summary>The rows of a layout, in chunk order.</summary>
    public IEnumerable<string> RowNames(ChunkLayout layout) => Enumerable.Range(0, layout.Count).Select(i => layout.RowName(prefix, i));

    /// <summary>Reads every chunk of <paramref name="layout"/>; damaged chunks (missing, or of another generation) are reported and read as empty.</summary>
    public async Task<(List<T> Items, DateTimeOffset ChangedAt, ImmutableArray<int> Damaged)> LoadAsync(ChunkLayout layout)
    {
        var chunks = await Bounded.SelectAsync(RowNames(layout).ToList(), MaxInFlight, name => rows.ReadAsync<ChunkRecord<T>>(name));
        var items = new List<T>();
        var damaged = ImmutableArray.CreateBuilder<int>();
        var changedAt = DateTimeOffset.MinValue;
        for (var i = 0; i < chunks.Length; i++)
        {
            if (chunks[i] is not { } chunk || chunk.Generation != layout.Generation)
            {
                damaged.Add(i);
                continue;
            }
            items.AddRange(chunk.Items ?? []);
            if (chunk.ChangedAt > changedAt) changedAt = chunk.ChangedAt;
        }
        Layout = layout;
        // A damaged chunk gets a fingerprint no content has, so the next write of that chunk repairs it.
        _fingerprints = ChunkPlan.Fingerprint(layout, items.Select(Keyed));
        foreach (var i in damaged) _fingerprints[i] = ~_fingerprints[i];
        return (items, changedAt, damaged.ToImmutable());
    }

    public ChunkPlan Plan(IReadOnlyCollection<T> items, long generation, ChunkWriteMode mode) =>
        ChunkPlan.For(Layout, _fingerprints, items.Select(Keyed).ToList(), generation, mode);

    /// <summary>Writes the chunks the plan names. In place, the plan is stored once this returns; a new layout still needs committing.</summary>
    /// <returns>How many rows were written.</returns>
    public async Task<int> WriteAsync(ChunkPlan plan, IReadOnlyCollection<T> items, DateTimeOffset now)
    {
        if (plan.WritesNothing) return 0;
        var byChunk = new List<T>[plan.Layout.Count];
        var rewrite = plan.Rewrite.ToHashSet();
        foreach (var item in items)
        {
            var chunk = plan.Layout.ChunkOf(keyOf(item));
            if (rewrite.Contains(chunk)) (byChunk[chunk] ??= []).Add(item);
        }
        await Bounded.ForEachAsync(plan.Rewrite, MaxInFlight, i => rows.WriteAsync(plan.Layout.RowName(prefix, i),
            new ChunkRecord<T> { Generation = plan.Layout.Generation, ChangedAt = now, Items = byChunk[i] ?? [] }));
        if (!plan.Relayout)
        {
            foreach (var i in plan.Rewrite) _fingerprints[i] = plan.Fingerprints[i];
        }
        return plan.Rewrite.Length;
    }

    /// <summary>The owner's header now names the plan's new layout.</summary>
    public void Commit(ChunkPlan plan)
    {
        Layout = plan.Layout;
        _fingerprints = [.. plan.Fingerprints];
    }

    /// <summary>The owner's header names no layout any more (the collection was deleted).</summary>
    public void Reset()
    {
        Layout = ChunkLayout.Empty;
        _fingerprints = [];
    }

    /// <summary>Deletes the rows of a layout no header names any more (replaced, or written halfway and abandoned).</summary>
    public Task DeleteAsync(ChunkLayout layout) =>
        Bounded.ForEachAsync(RowNames(layout).ToList(), MaxInFlight, name => rows.DeleteAsync<ChunkRecord<T>>(name));

    private (string Key, ulong Fingerprint) Keyed(T item) => (keyOf(item), fingerprintOf(item));
}
