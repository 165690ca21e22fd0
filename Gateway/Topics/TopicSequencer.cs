namespace FreedomCti.Presence.Gateway.Topics;

/// <summary>What to do with an event that just arrived for a topic.</summary>
public enum SeqDecision
{
    /// <summary>The next seq: apply it now (already counted as applied), then the held events <see cref="TopicSequencer{TEvent}.TakeReady"/> returns.</summary>
    Apply,
    /// <summary>Already applied (seq at or below the one held): drop it.</summary>
    Duplicate,
    /// <summary>No snapshot yet, or a resync is running: kept until the snapshot is installed.</summary>
    Held,
    /// <summary>Kept: an earlier seq is still missing. Orleans does not keep messages in order, so it may yet arrive;
    /// if <see cref="TopicSequencer{TEvent}.MissingSeq"/> is still missing after the reorder window, resync.</summary>
    Reordered,
    /// <summary>Kept, and the topic must resync from the grain's snapshot now (a new run of seqs, or too many held).</summary>
    Resync,
}

/// <summary>
/// The seq rules of one topic, apart from any I/O, timer or lock: which arriving event to apply, drop or hold, when
/// a gap means a resync, and which held events follow a freshly installed snapshot. The topic calls it under its lock.
/// </summary>
/// <remarks>
/// Events are applied strictly in seq order: a subscriber that saw a snapshot at seq N then sees exactly N+1, N+2, …
/// Events arrive out of order (Orleans hands each received message to the thread pool on its own), so an event
/// ahead of the next seq is held, not taken for a loss; only a seq still missing after the reorder window is. A
/// jump to another run of seqs (a group's new epoch after it reactivated) can never be filled and resyncs at once.
/// Held events are bounded; reaching the bound resyncs.
/// </remarks>
public sealed class TopicSequencer<TEvent>(
    Func<TEvent, long> seqOf,
    Func<long, long, bool>? sameRun = null,
    int maxHeld = TopicSequencer<TEvent>.DefaultMaxHeld)
    where TEvent : class
{
    public const int DefaultMaxHeld = 10_000;

    private readonly SortedDictionary<long, (TEvent Event, long Arrival)> _held = [];
    private readonly Func<long, long, bool> _sameRun = sameRun ?? ((_, _) => true);
    private long _arrivals;
    private long _arrivedBeforeSnapshot;

    /// <summary>The seq of the state the topic holds; -1 before its first snapshot.</summary>
    public long Seq { get; private set; } = -1;

    /// <summary>A snapshot is installed and no resync is running: arriving events can be applied at once.</summary>
    public bool IsLive { get; private set; }

    /// <summary>A snapshot was installed at least once and the topic was not unloaded since.</summary>
    public bool IsLoaded { get; private set; }

    public int HeldCount => _held.Count;

    /// <summary>While live: the seq that events held ahead of it are waiting for; null when nothing is held.</summary>
    public long? MissingSeq => IsLive && _held.Count > 0 ? Seq + 1 : null;

    public SeqDecision Offer(TEvent evt)
    {
        _arrivals++;
        var seq = seqOf(evt);
        if (!IsLive)
        {
            Hold(seq, evt);
            return SeqDecision.Held;
        }
        if (seq <= Seq) return SeqDecision.Duplicate;
        if (seq == Seq + 1)
        {
            Seq = seq;
            return SeqDecision.Apply;
        }
        Hold(seq, evt);
        if (_sameRun(Seq, seq) && _held.Count < maxHeld) return SeqDecision.Reordered;
        IsLive = false;
        return SeqDecision.Resync;
    }

    /// <summary>The held events that now follow the seq held, in order, each counted as applied.</summary>
    public List<TEvent> TakeReady()
    {
        var ready = new List<TEvent>();
        while (_held.Count > 0)
        {
            var (seq, (evt, _)) = _held.First();
            if (seq > Seq + 1) break;
            _held.Remove(seq);
            if (seq <= Seq) continue; // already in the state (a snapshot covered it)
            Seq = seq;
            ready.Add(evt);
        }
        return ready;
    }

    /// <summary>Stops applying until the next snapshot; false when a resync already runs or nothing is loaded.</summary>
    public bool BeginResync()
    {
        if (!IsLive) return false;
        IsLive = false;
        return true;
    }

    /// <summary>The topic is about to ask the grain for its snapshot: whatever is held now, the grain already had when it answers.</summary>
    public void SnapshotRequested() => _arrivedBeforeSnapshot = _arrivals;

    /// <summary>A snapshot at <paramref name="seq"/> is installed: live again. Returns the held events that follow it, in order, each already counted as applied.</summary>
    /// <param name="resync">True when what is still held belongs to a later run of seqs: the snapshot is already out of date.</param>
    /// <remarks>
    /// Events at or below the snapshot's seq are already in it. Events beyond a gap stay held: the missing ones may
    /// still be on their way (<see cref="MissingSeq"/>). But an event held before the snapshot was asked for, with a
    /// seq of its run above the snapshot's, cannot be real (the grain sends a change only after making it, so its
    /// snapshot would include it): it is dropped rather than waited for forever.
    /// </remarks>
    public List<TEvent> Install(long seq, out bool resync)
    {
        Seq = seq;
        IsLive = true;
        IsLoaded = true;
        foreach (var (heldSeq, (_, arrival)) in _held.ToArray())
        {
            if (arrival <= _arrivedBeforeSnapshot && heldSeq > seq && _sameRun(seq, heldSeq)) _held.Remove(heldSeq);
        }
        var follow = TakeReady();
        resync = _held.Count > 0 && !_sameRun(Seq, _held.Last().Key);
        if (resync) IsLive = false;
        return follow;
    }

    /// <summary>The topic ended (its target is gone): forget the state; a later subscriber loads it afresh.</summary>
    public void Unload()
    {
        IsLive = false;
        IsLoaded = false;
        _held.Clear();
    }

    private void Hold(long seq, TEvent evt)
    {
        if (_held.Count < maxHeld) _held.TryAdd(seq, (evt, _arrivals));
    }
}
