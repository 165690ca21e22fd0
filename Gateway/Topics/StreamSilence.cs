namespace FreedomCti.Presence.Gateway.Topics;

/// <summary>
/// Decides, from successive audits of one topic, whether its stream went silent: the grain published a seq at least
/// one audit interval ago and it has still not arrived. Comparing with the grain's seq at the previous audit, not
/// the current one, keeps an event that is merely in flight (the grain is ahead by a change made just before the
/// audit) from being taken for a dropped subscription, which would cost a resubscribe and a needless snapshot.
/// </summary>
internal sealed class StreamSilence
{
    private long _grainSeqAtLastAudit = -1;

    /// <summary>Records one audit; true when the stream must be subscribed again and the state resynced.</summary>
    /// <param name="grainSeq">The grain's seq now, or null when the grain no longer has the target.</param>
    /// <param name="heldSeq">The seq the topic holds now.</param>
    public bool IsSilent(long? grainSeq, long heldSeq)
    {
        if (grainSeq is not { } now) return true;
        var overdue = _grainSeqAtLastAudit > heldSeq && now > heldSeq;
        _grainSeqAtLastAudit = now;
        return overdue;
    }
}
