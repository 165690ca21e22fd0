namespace FreedomCti.Presence.Gateway.Topics;

/// <summary>
/// The last change frames a topic sent (seq and the exact bytes), so a client that reconnects with the last seq it
/// saw gets exactly the frames it missed instead of a snapshot. Used under the topic's gate only.
/// </summary>
/// <remarks>
/// Bounded by count (Gateway:ResumeRingSize) and age (Gateway:ResumeRingMaxAge), pruned on every add and on the topic's
/// audit, so an idle topic soon holds nothing. Contiguous by construction: a seq that passes without a frame, or a
/// resync (seqs before it cannot be replayed exactly), restarts it. The bytes are the ones every subscriber got, so
/// the ring costs no rendering and shares the frames' memory while they are still queued elsewhere.
/// </remarks>
public sealed class ResumeRing(int capacity, TimeSpan maxAge)
{
    private readonly Queue<(long Seq, DateTimeOffset At, byte[] Frame)> _frames = new();
    private long _lastSeq = -1;

    public int Count => _frames.Count;

    public void Add(long seq, byte[] frame, DateTimeOffset now)
    {
        if (capacity <= 0) return;
        if (_frames.Count > 0 && _lastSeq + 1 != seq) _frames.Clear();
        _frames.Enqueue((seq, now, frame));
        _lastSeq = seq;
        while (_frames.Count > capacity) _frames.Dequeue();
        Prune(now);
    }

    public void Restart() => _frames.Clear();

    public void Prune(DateTimeOffset now)
    {
        while (_frames.Count > 0 && now - _frames.Peek().At > maxAge) _frames.Dequeue();
    }

    /// <summary>Appends the frames with seq in (<paramref name="afterSeq"/>, <paramref name="upToSeq"/>] to <paramref name="into"/>; false (and nothing appended) unless the ring holds every one.</summary>
    public bool TryCopy(long afterSeq, long upToSeq, DateTimeOffset now, List<byte[]> into)
    {
        Prune(now);
        if (afterSeq > upToSeq) return false;
        if (afterSeq == upToSeq) return true;
        if (_frames.Count == 0 || _frames.Peek().Seq > afterSeq + 1 || _lastSeq < upToSeq) return false;
        foreach (var (seq, _, frame) in _frames)
        {
            if (seq > afterSeq && seq <= upToSeq) into.Add(frame);
        }
        return true;
    }
}
