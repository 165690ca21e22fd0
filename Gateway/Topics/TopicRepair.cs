namespace FreedomCti.Presence.Gateway.Topics;

/// <summary>
/// Brings a topic back in step with its grain: a seq still missing after the reorder window, a renewal or re-watch
/// that finds the grain ahead, or a change the topic cannot apply, each leads to one resync from the grain's snapshot;
/// a watch lost with the grain's activation is made again.
/// </summary>
/// <remarks>
/// Shares the topic's lock (<paramref name="gate"/>): methods named *Locked are called under it, and its timers and
/// retries take it before touching anything. The snapshot is handed back to the topic under that lock, so the
/// topic installs it and sends it in the same critical section as the events that follow it.
/// </remarks>
/// <param name="released">Whether the topic let its watch go (asked under the lock).</param>
/// <param name="fetchSnapshot">Reads the grain's state, outside the lock.</param>
/// <param name="reloadLocked">Installs a resync's snapshot (null: the target is gone) and sends it to every subscriber.</param>
internal sealed class TopicRepair<TEvent, TSnapshot>(
    object gate,
    TopicSequencer<TEvent> sequencer,
    TopicLink<TEvent> link,
    TopicServices services,
    string topic,
    Func<long, long, bool> sameRun,
    Func<bool> released,
    Func<Task<TSnapshot?>> fetchSnapshot,
    Action<TSnapshot?> reloadLocked)
    where TEvent : class
    where TSnapshot : class
{
    private bool _resyncing;
    // The missing seq a reorder-window check is pending for: one timer per gap, not one per held event.
    private long? _gapCheckFor;

    /// <summary>Events are held behind a missing seq: give it the reorder window to arrive, then resync if it has not.</summary>
    /// <remarks>Orleans may deliver a message a moment after a later one, so a gap is not yet a loss.</remarks>
    public void EnsureGapCheckLocked()
    {
        if (sequencer.MissingSeq is not { } missing || missing == _gapCheckFor) return;
        _gapCheckFor = missing;
        _ = CheckGapAfterWindowAsync(missing);
    }

    /// <summary>Stops applying and resyncs; nothing happens when a resync already runs.</summary>
    public void ResyncNowLocked()
    {
        if (sequencer.BeginResync()) EnsureResyncRunningLocked();
    }

    /// <summary>Runs a resync unless one already runs; the sequencer must already have stopped applying.</summary>
    /// <remarks>Also how a renewal retries a resync that gave up.</remarks>
    public void EnsureResyncRunningLocked()
    {
        if (_resyncing || released()) return;
        _resyncing = true;
        _ = ResyncAsync();
    }

    /// <summary>
    /// The grain answered a watch with its seq: anything up to it that has not arrived within the reorder window
    /// (it may still be on its way, sent just before the answer) was lost. A target that is gone, or a seq of a
    /// later run (the group reactivated), resyncs at once.
    /// </summary>
    public void AuditLocked(WatchReceipt receipt)
    {
        if (released() || !sequencer.IsLive) return;
        switch (RepairRules.Audit(receipt.Exists, receipt.Seq, sequencer.Seq, sameRun))
        {
            case AuditVerdict.CheckAfterReorderWindow:
                _ = ResyncUnlessArrivedAsync(receipt.Seq);
                break;
            case AuditVerdict.ResyncNow:
                GatewayLog.RenewalFoundMissedEvents(services.Logger, topic, sequencer.Seq, receipt.Exists ? receipt.Seq : -1);
                ResyncNowLocked();
                break;
        }
    }

    /// <summary>
    /// Watches the grain again after the watch was lost with its activation (the grain moved, its silo died, or this
    /// gateway lost the cluster), and resyncs if events were sent while nobody watched. One attempt; the hub's
    /// <see cref="RewatchQueue"/> retries it with backoff.
    /// </summary>
    /// <returns>False when the grain could not be reached (try again later); true when done or no longer needed.</returns>
    /// <remarks>A new activation has no watchers, so whatever it sent before this watch reached nobody.</remarks>
    public async Task<bool> RewatchAsync(CancellationToken abandoned)
    {
        lock (gate)
        {
            if (released() || !sequencer.IsLoaded) return true;
        }
        WatchReceipt receipt;
        try
        {
            receipt = await link.WatchAsync().WaitAsync(services.Options.GrainCallTimeout, abandoned);
        }
        catch (Exception ex)
        {
            GatewayLog.RewatchFailed(services.Logger, topic, ex);
            return false;
        }
        services.Metrics.Rewatched();
        lock (gate) AuditLocked(receipt);
        return true;
    }

    private async Task CheckGapAfterWindowAsync(long missing)
    {
        await Task.Delay(services.Options.ReorderWindow, services.Clock);
        lock (gate)
        {
            if (_gapCheckFor == missing) _gapCheckFor = null;
            if (released()) return;
            if (sequencer.MissingSeq == missing)
            {
                GatewayLog.SeqGap(services.Logger, topic, missing - 1, missing);
                ResyncNowLocked();
                return;
            }
            EnsureGapCheckLocked(); // a later seq may be missing now
        }
    }

    private async Task ResyncUnlessArrivedAsync(long grainSeq)
    {
        await Task.Delay(services.Options.ReorderWindow, services.Clock);
        lock (gate)
        {
            if (released() || !sequencer.IsLive || sequencer.Seq >= grainSeq) return;
            GatewayLog.RenewalFoundMissedEvents(services.Logger, topic, sequencer.Seq, grainSeq);
            ResyncNowLocked();
        }
    }

    private async Task ResyncAsync()
    {
        services.Metrics.Resynced();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                lock (gate) sequencer.SnapshotRequested();
                var snapshot = await fetchSnapshot().WaitAsync(services.Options.GrainCallTimeout);
                lock (gate)
                {
                    _resyncing = false;
                    if (released()) return;
                    reloadLocked(snapshot);
                }
                return;
            }
            catch (Exception ex)
            {
                GatewayLog.ResyncFailed(services.Logger, topic, attempt, ex);
                if (RepairRules.RetryDelay(attempt) is not { } delay)
                {
                    // Subscribers stay and events stay held; the next renewal retries. Telling them to reconnect would only add load.
                    lock (gate) _resyncing = false;
                    return;
                }
                await Task.Delay(delay, services.Clock); // back off while the cluster recovers
            }
        }
    }
}
