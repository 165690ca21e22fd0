using FreedomCti.Presence.Gateway.Protocol;

namespace FreedomCti.Presence.Gateway.Topics;

// Joining and leaving a topic. Kept in the topic itself, not a part of its own: a subscriber is added and sent its
// snapshot (or its replay) under the same lock, with the same state, as events are applied and fanned out.
public abstract partial class Topic<TEvent, TSnapshot>
{
    /// <summary>Adds a subscriber and sends it the current snapshot (or, resuming, what it missed). Loads the topic first if this is its first subscriber.</summary>
    /// <param name="requiredMember">When set, only a member with this user id may subscribe (agents on groups).</param>
    /// <param name="lastSeq">The last seq the client saw (docs/protocol.md, "Resume").</param>
    public async Task<SubscribeOutcome> AddAsync(ITopicSubscriber subscriber, string? requiredMember = null, long? lastSeq = null)
    {
        Task<bool> loading;
        lock (_gate)
        {
            if (_linger.Released) return SubscribeOutcome.Failed; // the hub retries on a fresh topic
            _linger.CancelLocked();
            loading = _loading ??= LoadAsync();
        }

        bool exists;
        try
        {
            exists = await loading.WaitAsync(_services.Options.GrainCallTimeout);
        }
        catch (Exception ex)
        {
            lock (_gate)
            {
                if (ReferenceEquals(_loading, loading)) _loading = null; // let the next subscriber try again
                _linger.ScheduleLocked();
            }
            GatewayLog.TopicLoadFailed(_services.Logger, Key.ToString(), ex);
            return SubscribeOutcome.Failed;
        }

        long grainUpTo;
        lock (_gate)
        {
            if (RefusedLocked(exists, requiredMember) is { } refused) return refused;
            var alreadyHere = _subscribers.Contains(subscriber);
            if (alreadyHere || !_resume.NeedsGrain(lastSeq, _sequencer.Seq, _services.Clock.GetUtcNow()))
            {
                AdmitLocked(subscriber, requiredMember, lastSeq, null, 0);
                return SubscribeOutcome.Subscribed;
            }
            grainUpTo = _sequencer.Seq;
        }
        return await ResumeFromGrainAsync(subscriber, requiredMember, lastSeq!.Value, grainUpTo);
    }

    private SubscribeOutcome? RefusedLocked(bool exists, string? requiredMember)
    {
        var refused = TopicAdmission<ITopicSubscriber>.Refusal(_linger.Released, exists, _sequencer.IsLoaded, requiredMember, HasMember);
        // A later subscribe must find out afresh whether the target exists.
        if (refused == SubscribeOutcome.TargetNotFound && _subscribers.Count == 0) _loading = null;
        if (refused is not null) _linger.ScheduleLocked();
        return refused;
    }

    /// <summary>
    /// Cross-gateway resume: fetch the grain's changes up to the seq held now, outside the gate; back under the gate,
    /// the changes applied here meanwhile come from this topic's own ring, so the replay joins the live stream
    /// without gap or duplicate.
    /// </summary>
    private async Task<SubscribeOutcome> ResumeFromGrainAsync(ITopicSubscriber subscriber, string? requiredMember, long lastSeq, long upTo)
    {
        IReadOnlyList<TEvent>? changes = null;
        try
        {
            changes = await FetchChangesSinceAsync(lastSeq, upTo).WaitAsync(_services.Options.GrainCallTimeout);
        }
        catch (Exception ex)
        {
            GatewayLog.ResumeFetchFailed(_services.Logger, Key.ToString(), ex);
        }
        lock (_gate)
        {
            if (RefusedLocked(exists: true, requiredMember) is { } refused) return refused;
            AdmitLocked(subscriber, requiredMember, lastSeq, changes, upTo);
        }
        return SubscribeOutcome.Subscribed;
    }

    /// <summary>Adds the subscriber and sends it either "resumed" and the frames it missed, or the snapshot.</summary>
    private void AdmitLocked(ITopicSubscriber subscriber, string? requiredMember, long? lastSeq, IReadOnlyList<TEvent>? grainChanges, long grainUpTo)
    {
        var already = !_subscribers.Add(subscriber);
        _admission.Admitted(subscriber, requiredMember);
        var now = _services.Clock.GetUtcNow();
        if (lastSeq is { } from && !already
            && _resume.Collect(from, _sequencer.Seq, grainChanges, grainUpTo, now, out var fromGrain) is { } frames)
        {
            var isUser = Key.Kind == TopicKind.User;
            subscriber.Send(OutboundFrame.Control(PresenceMessageWriter.Resumed(Key.OrgId, isUser ? Key.Id : null, isUser ? null : Key.Id, from, _sequencer.Seq, frames.Count, now)));
            // State frames, like live ones: a socket that cannot take them all is conflated into a snapshot as usual.
            foreach (var frame in frames) subscriber.Send(OutboundFrame.State(frame, this));
            _services.Metrics.Resumed(Key.Kind, replayed: true, fromGrain ? "grain" : "gateway");
            return;
        }
        subscriber.Send(OutboundFrame.State(RenderSnapshot(now), this));
        if (lastSeq is not null) _services.Metrics.Resumed(Key.Kind, replayed: false, "none");
    }

    public void Remove(ITopicSubscriber subscriber)
    {
        lock (_gate)
        {
            _admission.Left(subscriber);
            if (_subscribers.Remove(subscriber)) _linger.ScheduleLocked();
        }
    }

    /// <summary>First load: watch the grain, then take the snapshot the watched events continue from.</summary>
    private async Task<bool> LoadAsync()
    {
        // Existence comes with the watch: nothing is registered for an unknown id.
        var receipt = await _link.WatchAsync();
        if (!receipt.Exists) return false;
        // Taken after watching: an event sent in between is either in the snapshot or held and applied after it.
        lock (_gate) _sequencer.SnapshotRequested();
        var snapshot = await FetchSnapshotAsync();
        if (snapshot is null)
        {
            _ = UnwatchQuietlyAsync();
            return false;
        }
        lock (_gate)
        {
            ApplyAllLocked(InstallLocked(snapshot));
            _repair.EnsureGapCheckLocked();
        }
        return true;
    }
}
