using System.Collections.Immutable;

namespace FreedomCti.Presence.Persistence;

/// <summary>How a change to a chunked collection is written.</summary>
public enum ChunkWriteMode
{
    /// <summary>Rewrite the chunks whose items changed, each on its own; a new layout only when the collection outgrows its chunks.</summary>
    /// <remarks>For changes that are valid when applied partly (adding or removing members): a failure midway leaves some applied, and a retry finishes.</remarks>
    InPlace,

    /// <summary>All or nothing: a change within one chunk is written in place (one row is atomic), anything wider as a new layout.</summary>
    /// <remarks>For redefinitions: a group must never be read as half its old members and half its new ones.</remarks>
    Atomic,
}

/// <summary>
/// Which rows a change to a chunked collection writes: a pure decision from the stored layout, the fingerprint of each
/// stored chunk and the items wanted now. Each chunk's fingerprint is the XOR of its items' fingerprints
/// (<see cref="ChunkHash.Of(string, string?)"/>), so it is independent of order and cheap to recompute.
/// </summary>
/// <param name="Layout">The layout after the change (the stored one, or a new generation when <see cref="Relayout"/>).</param>
/// <param name="Rewrite">Chunk indices to write, under <see cref="Layout"/>.</param>
/// <param name="Fingerprints">The fingerprint of every chunk of <see cref="Layout"/> once written.</param>
public sealed record ChunkPlan(ChunkLayout Layout, bool Relayout, ImmutableArray<int> Rewrite, ImmutableArray<ulong> Fingerprints)
{
    public bool WritesNothing => !Relayout && Rewrite.IsEmpty;

    /// <param name="items">Each item's key and fingerprint.</param>
    /// <param name="generation">The generation to use if a new layout is needed; must differ from every generation written before.</param>
    public static ChunkPlan For(
        ChunkLayout stored,
        IReadOnlyList<ulong> storedFingerprints,
        IReadOnlyCollection<(string Key, ulong Fingerprint)> items,
        long generation,
        ChunkWriteMode mode)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(storedFingerprints);
        ArgumentNullException.ThrowIfNull(items);
        if (storedFingerprints.Count != stored.Count) throw new ArgumentException("One fingerprint per stored chunk.", nameof(storedFingerprints));

        var wanted = ChunkLayout.CountFor(items.Count);
        if (!stored.Holds(items.Count))
        {
            return NewLayout(new ChunkLayout(generation, wanted), items);
        }
        var fingerprints = Fingerprint(stored, items);
        var changed = ImmutableArray.CreateBuilder<int>();
        for (var i = 0; i < stored.Count; i++)
        {
            if (fingerprints[i] != storedFingerprints[i]) changed.Add(i);
        }
        if (changed.Count == 0)
        {
            return new ChunkPlan(stored, false, [], [.. fingerprints]);
        }
        // A redefinition that touches several chunks, or leaves the group a different size class, is written as a new
        // layout: that is also when it shrinks (in-place changes never do, so members do not move back and forth).
        if (mode == ChunkWriteMode.Atomic && (changed.Count > 1 || wanted != stored.Count))
        {
            return NewLayout(new ChunkLayout(generation, wanted), items);
        }
        return new ChunkPlan(stored, false, changed.ToImmutable(), [.. fingerprints]);
    }

    /// <summary>The fingerprints of chunks as loaded (or as wanted) under <paramref name="layout"/>.</summary>
    public static ulong[] Fingerprint(ChunkLayout layout, IEnumerable<(string Key, ulong Fingerprint)> items)
    {
        var fingerprints = new ulong[layout.Count];
        foreach (var (key, fingerprint) in items)
        {
            fingerprints[layout.ChunkOf(key)] ^= fingerprint;
        }
        return fingerprints;
    }

    private static ChunkPlan NewLayout(ChunkLayout layout, IReadOnlyCollection<(string Key, ulong Fingerprint)> items) =>
        new(layout, true, [.. Enumerable.Range(0, layout.Count)], [.. Fingerprint(layout, items)]);
}
