namespace FreedomCti.Presence.State;

/// <summary>
/// The most recent changes of one seq-numbered topic, so a client that reconnects with the last seq it saw can be sent
/// exactly what it missed instead of a snapshot. Grains keep one of events (for any gateway), each gateway topic one
/// of the frames it sent (the exact bytes, shared with the sockets' queues).
/// </summary>
/// <remarks>
/// Bounded by count and age, pruned on every add and on <see cref="Prune"/>, so an idle topic soon holds nothing.
/// Contiguous by construction: a change that does not follow the last one (a seq that passed without an item, or a
/// resync) restarts it. Whole ranges or nothing: a resume with a hole would be worse than a snapshot. Not thread-safe;
/// the owner (a grain, a topic under its lock) serializes access. Not persisted.
/// </remarks>
public sealed class SeqRing<T>(int capacity, TimeSpan maxAge)
{
    public const int DefaultCapacity = 64;
    public static readonly TimeSpan DefaultMaxAge = TimeSpan.FromMinutes(2);

    private readonly Queue<(long Seq, DateTimeOffset At, T Item)> _items = new();
    private long _lastSeq = -1;

    public SeqRing() : this(DefaultCapacity, DefaultMaxAge)
    {
    }

    public int Count => _items.Count;

    /// <summary>Records the change sent with <paramref name="seq"/>; one that is not the next seq restarts the ring. A capacity of 0 keeps nothing.</summary>
    public void Add(long seq, T item, DateTimeOffset now)
    {
        if (capacity <= 0) return;
        if (_items.Count > 0 && _lastSeq + 1 != seq) _items.Clear();
        _items.Enqueue((seq, now, item));
        _lastSeq = seq;
        while (_items.Count > capacity) _items.Dequeue();
        Prune(now);
    }

    /// <summary>Forgets everything: what came before cannot be replayed exactly (a removal, a resync).</summary>
    public void Clear() => _items.Clear();

    public void Prune(DateTimeOffset now)
    {
        while (_items.Count > 0 && now - _items.Peek().At > maxAge) _items.Dequeue();
    }

    /// <summary>Appends the changes with seq in (<paramref name="afterSeq"/>, <paramref name="upToSeq"/>] to <paramref name="into"/>, in order; false (and nothing appended) unless the ring holds every one.</summary>
    public bool TryCopy(long afterSeq, long upToSeq, DateTimeOffset now, List<T> into)
    {
        Prune(now);
        if (afterSeq > upToSeq || afterSeq < 0) return false;
        if (afterSeq == upToSeq) return true;
        if (_items.Count == 0 || _items.Peek().Seq > afterSeq + 1 || _lastSeq < upToSeq) return false;
        foreach (var (seq, _, item) in _items)
        {
            if (seq > afterSeq && seq <= upToSeq) into.Add(item);
        }
        return true;
    }

    /// <summary>The changes in (<paramref name="afterSeq"/>, <paramref name="upToSeq"/>], or null unless the ring holds every one.</summary>
    public List<T>? Since(long afterSeq, long upToSeq, DateTimeOffset now)
    {
        var items = new List<T>();
        return TryCopy(afterSeq, upToSeq, now, items) ? items : null;
    }
}
