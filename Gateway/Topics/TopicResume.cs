using FreedomCti.Presence.State;

namespace FreedomCti.Presence.Gateway.Topics;

/// <summary>
/// Resume (subscribe with lastSeq): which frames a reconnecting client missed, from two rings. This topic's own ring
/// holds the exact frames it sent; the grain's ring covers what was sent before this gateway held the topic (the
/// client was on another gateway, or the topic lingered out). Anything missing on either side means a snapshot.
/// </summary>
/// <remarks>Used under the topic's lock; see docs/protocol.md, "Resume".</remarks>
internal sealed class TopicResume<TEvent>(
    int capacity,
    TimeSpan maxAge,
    Func<TEvent, long> seqOf,
    Func<TEvent, byte[]?> renderReplay,
    Func<long, long, bool> sameRun) where TEvent : class
{
    private readonly SeqRing<byte[]> _sent = new(capacity, maxAge);

    /// <summary>Records a frame every subscriber got; a seq without a frame cannot be replayed, so it restarts the ring.</summary>
    public void Sent(long seq, byte[]? frame, DateTimeOffset now)
    {
        if (frame is null) _sent.Clear();
        else _sent.Add(seq, frame, now);
    }

    /// <summary>After a (re)load: seqs before it cannot be replayed exactly.</summary>
    public void Restart() => _sent.Clear();

    /// <summary>Lets an idle topic's frames go.</summary>
    public void Prune(DateTimeOffset now) => _sent.Prune(now);

    /// <summary>True when the client's lastSeq is older than this ring covers but the grain's ring still might.</summary>
    public bool NeedsGrain(long? lastSeq, long heldSeq, DateTimeOffset now) =>
        lastSeq is { } from && from < heldSeq && sameRun(from, heldSeq) && !_sent.TryCopy(from, heldSeq, now, []);

    /// <summary>The frames a client that saw <paramref name="from"/> missed, up to <paramref name="heldSeq"/>; null when only a snapshot will do.</summary>
    /// <param name="grainChanges">The grain's changes in (from, grainUpTo], when they were fetched; frames after grainUpTo come from this ring.</param>
    public List<byte[]>? Collect(long from, long heldSeq, IReadOnlyList<TEvent>? grainChanges, long grainUpTo, DateTimeOffset now, out bool fromGrain)
    {
        fromGrain = false;
        if (from > heldSeq || !sameRun(from, heldSeq)) return null;
        var frames = new List<byte[]>();
        var ringFrom = from;
        if (grainChanges is not null && grainUpTo > from && grainUpTo <= heldSeq)
        {
            if (grainChanges.Count != grainUpTo - from) return null;
            var expected = from + 1;
            foreach (var evt in grainChanges)
            {
                if (seqOf(evt) != expected++ || renderReplay(evt) is not { } frame) return null;
                frames.Add(frame);
            }
            ringFrom = grainUpTo;
            fromGrain = true;
        }
        return _sent.TryCopy(ringFrom, heldSeq, now, frames) ? frames : null;
    }
}
