namespace FreedomCti.Presence.Persistence;

/// <summary>
/// How a keyed collection (a group's members, an organisation's group catalogue) is spread over storage rows:
/// <see cref="Count"/> chunks of one <see cref="Generation"/>, a key's chunk being a stable hash of the key.
/// </summary>
/// <remarks>
/// The count is a power of two chosen so that chunks hold <see cref="ItemsPerChunk"/> items or fewer on average. The rows
/// of one generation are named "{prefix}.{generation}.{index}": a new layout is written beside the old one and only
/// becomes the stored one when the owner's header names it, so a layout written halfway is never read.
/// </remarks>
public sealed record ChunkLayout(long Generation, int Count)
{
    public static readonly ChunkLayout Empty = new(0, 0);

    /// <summary>
    /// Average items per chunk before the layout doubles. At the largest item the API allows (~700 bytes of compact JSON)
    /// and a 30% unlucky hash, a chunk stays under 400 KB, far from Azure Table's ~983 KB per entity; typical members
    /// are ~60 bytes, so a member change rewrites ~25 KB.
    /// </summary>
    public const int ItemsPerChunk = 400;

    /// <summary>The smallest power-of-two count that holds <paramref name="items"/> at <see cref="ItemsPerChunk"/>; 0 for none.</summary>
    public static int CountFor(int items)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(items);
        if (items == 0) return 0;
        var count = 1;
        while ((long)count * ItemsPerChunk < items) count *= 2;
        return count;
    }

    /// <summary>Whether this layout can take <paramref name="items"/> without growing.</summary>
    public bool Holds(int items) => (long)Count * ItemsPerChunk >= items;

    /// <summary>The chunk a key lives in.</summary>
    public int ChunkOf(string key)
    {
        if (Count == 0) throw new InvalidOperationException("An empty layout has no chunks.");
        return (int)(ChunkHash.Of(key) & (ulong)(Count - 1));
    }

    public string RowName(string prefix, int index) => $"{prefix}.{Generation}.{index}";
}

/// <summary>Stable 64-bit hashes for chunking: FNV-1a over the UTF-16 code units, then a murmur3 finaliser for the low bits.</summary>
/// <remarks>Never change this: stored layouts depend on where it puts each key (string.GetHashCode differs per process).</remarks>
public static class ChunkHash
{
    public static ulong Of(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var h = 14695981039346656037UL;
        foreach (var c in key)
        {
            h = (h ^ c) * 1099511628211UL;
        }
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccdUL;
        h ^= h >> 33;
        h *= 0xc4ceb9fe1a85ec53UL;
        h ^= h >> 33;
        return h;
    }

    /// <summary>The fingerprint of one item: its key and the part of its value that must be stored when it changes.</summary>
    public static ulong Of(string key, string? value) => value is null ? Of(key) : Of(key + "\u0000" + value);
}
