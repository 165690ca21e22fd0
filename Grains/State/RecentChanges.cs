namespace FreedomCti.Presence.State;

/// <summary>
/// A grain's in-memory ring of its most recent published changes, so a gateway that has no ring of its own for a
/// topic (the client reconnected elsewhere, or the topic lingered out) can still resume a client without a snapshot.
/// </summary>
/// <remarks>
/// Bounded by count and age; contiguous by construction (a change that does not follow the last one restarts it).
/// Not persisted: after a deactivation or a silo's death it is empty and a resuming client simply gets a snapshot.
/// </remarks>
internal sealed class RecentChanges<T>(int capacity = RecentChanges<T>.DefaultCapacity, TimeSpan? maxAge = null) where T : class
{
    public const int DefaultCapacity = 64;
    public static readonly TimeSpan DefaultMaxAge = TimeSpan.FromMinutes(2);

    private readonly Queue<(long Seq, DateTimeOffset At, T Item)> _items = new();
    private readonly TimeSpan _maxAge = maxAge ?? DefaultMaxAge;
    private long _lastSeq = -1;

    public int Count => _items.Count;

    /// <summary>Records the change published with <paramref name="seq"/>; a change that is not the next seq restarts the ring.</summary>
    public void Add(long seq, T item, DateTimeOffset now)
    {
        if (_items.Count > 0 && _lastSeq + 1 != seq) _items.Clear();
        _items.Enqueue((seq, now, item));
        _lastSeq = seq;
        while (_items.Count > capacity) _items.Dequeue();
        Prune(now);
    }

    public void Clear() => _items.Clear();

    /// <summary>The changes with seq in (<paramref name="lastSeq"/>, <paramref name="upToSeq"/>], in order, or null unless the ring holds every one of them.</summary>
    public List<T>? Since(long lastSeq, long upToSeq, DateTimeOffset now)
    {
        Prune(now);
        if (lastSeq > upToSeq || lastSeq < 0) return null;
        if (lastSeq == upToSeq) return [];
        if (_items.Count == 0) return null;
        var first = _items.Peek().Seq;
        if (first > lastSeq + 1 || _lastSeq < upToSeq) return null;
        var result = new List<T>((int)(upToSeq - lastSeq));
        foreach (var (seq, _, item) in _items)
        {
            if (seq > lastSeq && seq <= upToSeq) result.Add(item);
        }
        return result;
    }

    private void Prune(DateTimeOffset now)
    {
        while (_items.Count > 0 && now - _items.Peek().At > _maxAge) _items.Dequeue();
    }
}
