using FreedomCti.Presence.Gateway.Protocol;

namespace FreedomCti.Presence.Gateway.Topics;

/// <summary>
/// One topic on this gateway: the local sockets subscribed to it, the latest state (so late subscribers get a
/// snapshot without a grain call), and the fan-out of each change, rendered once, to every socket.
/// </summary>
/// <remarks>
/// Every state change happens under <see cref="_gate"/>, and a new subscriber is added and sent its snapshot in the
/// same critical section as events are applied: a subscriber sees the snapshot at seq N, then exactly N+1, N+2, ...
/// The seq rules are <see cref="TopicSequencer{TEvent}"/>; how events reach the gateway is <see cref="TopicLink{TEvent}"/>;
/// resume with lastSeq is <see cref="TopicResume{TEvent}"/>. This class wires them to the sockets and the grain.
/// </remarks>
public abstract class Topic<TEvent, TSnapshot> : ITopic, ISnapshotSource
    where TEvent : class
    where TSnapshot : class
{
    private readonly object _gate = new();
    private readonly HashSet<ITopicSubscriber> _subscribers = [];
    // Subscribers admitted only as members (agents on a group), re-checked whenever the membership may have changed.
    private readonly Dictionary<ITopicSubscriber, string> _membersOnly = [];
    private readonly TopicSequencer<TEvent> _sequencer;
    private readonly TopicResume<TEvent> _resume;
    private readonly TopicLink<TEvent> _link;
    private readonly TopicServices _services;
    private Task<bool>? _loading;
    private bool _resyncing;
    // The missing seq a reorder-window check is pending for (see EnsureGapCheckLocked).
    private long? _gapCheckFor;
    private bool _released;
    private CancellationTokenSource? _release;

    protected Topic(TopicKey key, TopicServices services, TopicLink<TEvent> link)
    {
        Key = key;
        _services = services;
        _link = link;
        _sequencer = new TopicSequencer<TEvent>(SeqOf, SameRun);
        _resume = new TopicResume<TEvent>(services.Options.ResumeRingSize, services.Options.ResumeRingMaxAge, SeqOf, RenderReplay, SameRun);
        link.Bind(OnEvent, OnMoved);
    }

    public TopicKey Key { get; }

    public int SubscriberCount { get { lock (_gate) return _subscribers.Count; } }

    public long Seq { get { lock (_gate) return _sequencer.Seq; } }

    public bool IsReleased { get { lock (_gate) return _released; } }

    public SiloAddress? Host => _link.Host;

    /// <summary>How this topic is linked to its grain (tests deliver through it as the grain would).</summary>
    internal TopicLink<TEvent> Link => _link;

    protected abstract PresenceError MissingError { get; }

    /// <summary>Reads the grain's current state; null when the user or group does not exist.</summary>
    protected abstract Task<TSnapshot?> FetchSnapshotAsync();

    /// <summary>The grain's recent changes in (lastSeq, upToSeq], or null when it no longer holds them all.</summary>
    protected abstract Task<IReadOnlyList<TEvent>?> FetchChangesSinceAsync(long lastSeq, long upToSeq);

    protected abstract long SeqOf(TEvent evt);

    /// <summary>The W3C trace context the event carries from the write that caused it.</summary>
    protected abstract string? TraceParentOf(TEvent evt);

    /// <summary>When the grain made the change the event carries (for the write-to-frame latency metric).</summary>
    protected abstract DateTimeOffset TimestampOf(TEvent evt);

    /// <summary>Replaces the held state; returns its seq.</summary>
    protected abstract long Install(TSnapshot snapshot);

    /// <summary>Renders the held state as a snapshot frame (callers hold the gate).</summary>
    protected abstract byte[] RenderSnapshot(DateTimeOffset now);

    /// <summary>Applies the next event in seq order to the held state and renders it once for every subscriber.</summary>
    protected abstract TopicChange Apply(TEvent evt, DateTimeOffset now);

    /// <summary>Renders a change the grain replayed without touching the held state; null when it cannot be rendered alone.</summary>
    /// <remarks>Rendered as of the change's own time: durations then read as they did when it was first sent.</remarks>
    protected abstract byte[]? RenderReplay(TEvent evt);

    /// <summary>Whether two seqs belong to one run (a group's epoch): within a run a gap may still fill and a client may resume; across runs never.</summary>
    protected virtual bool SameRun(long seq, long other) => true;

    /// <summary>Whether the held state lists this user as a member (callers hold the gate).</summary>
    protected virtual bool HasMember(string userId) => false;

    /// <summary>Adds a subscriber and sends it the current snapshot (or, resuming, what it missed). Loads the topic first if this is its first subscriber.</summary>
    /// <param name="requiredMember">When set, only a member with this user id may subscribe (agents on groups).</param>
    /// <param name="lastSeq">The last seq the client saw (docs/protocol.md, "Resume").</param>
    public async Task<SubscribeOutcome> AddAsync(ITopicSubscriber subscriber, string? requiredMember = null, long? lastSeq = null)
    {
        Task<bool> loading;
        lock (_gate)
        {
            if (_released) return SubscribeOutcome.Failed; // the hub retries on a fresh topic
            _release?.Cancel();
            _release = null;
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
                ScheduleReleaseLocked();
            }
            GatewayLog.TopicLoadFailed(_services.Logger, Key.ToString(), ex);
            return SubscribeOutcome.Failed;
        }

        long grainUpTo;
        lock (_gate)
        {
            if (Refused(exists, requiredMember) is { } refused) return refused;
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

    /// <summary>Why a loaded (or not) topic refuses this subscriber now; null when it may be admitted. Callers hold the gate.</summary>
    private SubscribeOutcome? Refused(bool exists, string? requiredMember)
    {
        if (_released) return SubscribeOutcome.Failed; // the hub retries on a fresh topic
        if (!exists || !_sequencer.IsLoaded)
        {
            if (_subscribers.Count == 0) _loading = null; // a later subscribe must find out afresh whether the target exists
            ScheduleReleaseLocked();
            return SubscribeOutcome.TargetNotFound;
        }
        if (requiredMember is not null && !HasMember(requiredMember))
        {
            ScheduleReleaseLocked();
            return SubscribeOutcome.AccessDenied;
        }
        return null;
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
            if (Refused(exists: true, requiredMember) is { } refused) return refused;
            AdmitLocked(subscriber, requiredMember, lastSeq, changes, upTo);
        }
        return SubscribeOutcome.Subscribed;
    }

    /// <summary>Adds the subscriber and sends it either "resumed" and the frames it missed, or the snapshot.</summary>
    private void AdmitLocked(ITopicSubscriber subscriber, string? requiredMember, long? lastSeq, IReadOnlyList<TEvent>? grainChanges, long grainUpTo)
    {
        var already = !_subscribers.Add(subscriber);
        if (requiredMember is not null) _membersOnly[subscriber] = requiredMember;
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
            _membersOnly.Remove(subscriber);
            if (_subscribers.Remove(subscriber)) ScheduleReleaseLocked();
        }
    }

    /// <summary>The held state as a snapshot frame: what a socket that fell behind is sent instead of its backlog.</summary>
    /// <remarks>Reached from a subscriber's Send, i.e. already under the gate (re-entered here), so it matches the seq being sent.</remarks>
    public byte[] CurrentSnapshot()
    {
        lock (_gate) return RenderSnapshot(_services.Clock.GetUtcNow());
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
            EnsureGapCheckLocked();
        }
        return true;
    }

    // Called by the link, on Orleans' message pump for this topic's observer.
    private void OnEvent(TEvent evt)
    {
        lock (_gate)
        {
            if (_released) return;
            var held = _sequencer.Seq;
            switch (_sequencer.Offer(evt))
            {
                case SeqDecision.Apply:
                    ApplyLocked(evt);
                    ApplyAllLocked(_sequencer.TakeReady());
                    EnsureGapCheckLocked();
                    break;
                case SeqDecision.Duplicate:
                    _services.Metrics.DuplicateDropped();
                    break;
                case SeqDecision.Reordered:
                    EnsureGapCheckLocked();
                    break;
                case SeqDecision.Resync:
                    GatewayLog.SeqGap(_services.Logger, Key.ToString(), held, SeqOf(evt));
                    StartResyncLocked();
                    break;
            }
        }
    }

    // The grain's activation is ending (deactivation, silo shutdown): watch its next activation.
    private void OnMoved() => _services.RequestRewatch(this);

    private void ApplyAllLocked(List<TEvent> events)
    {
        foreach (var evt in events)
        {
            if (_released || !_sequencer.IsLive) return; // a terminal change or a resync took over
            ApplyLocked(evt);
        }
    }

    /// <summary>Applies one event the sequencer let through and fans its frame out to every subscriber.</summary>
    private void ApplyLocked(TEvent evt)
    {
        var seq = SeqOf(evt);
        using var span = Hosting.GatewayTracing.StartFanOut(Key.ToString(), seq, TraceParentOf(evt), _subscribers.Count);
        var now = _services.Clock.GetUtcNow();
        var change = Apply(evt, now);
        _resume.Sent(seq, change.Frame, now);
        if (change.Frame is { } frame)
        {
            var outbound = OutboundFrame.State(frame, this);
            foreach (var subscriber in _subscribers) subscriber.Send(outbound);
            _services.Metrics.Delivered(_subscribers.Count, frame.Length);
            _services.Metrics.EventQueued(Key.Kind, now - TimestampOf(evt));
        }
        if (change.Terminal is { } error)
        {
            CloseAllLocked(error, change.TerminalDescription ?? error.Message);
            return;
        }
        if (change.MembershipChanged) RevokeFormerMembersLocked();
        if (change.Resync && _sequencer.BeginResync()) StartResyncLocked();
    }

    /// <summary>An agent taken out of a group stops seeing it at once: its subscription ends with 4006.</summary>
    private void RevokeFormerMembersLocked()
    {
        if (_membersOnly.Count == 0) return;
        foreach (var (subscriber, userId) in _membersOnly.Where(m => !HasMember(m.Value)).ToArray())
        {
            _membersOnly.Remove(subscriber);
            _subscribers.Remove(subscriber);
            subscriber.Ended(PresenceCloseCodes.GroupAccessDenied, $"User '{userId}' is no longer a member of this group.");
        }
        ScheduleReleaseLocked();
    }

    /// <summary>Installs a snapshot; returns the held events that follow it, to apply after the snapshot is sent.</summary>
    private List<TEvent> InstallLocked(TSnapshot snapshot)
    {
        var seq = Install(snapshot);
        _resume.Restart(); // seqs before a (re)load cannot be replayed exactly
        var follow = _sequencer.Install(seq, out var outdated);
        if (outdated)
        {
            // The grain reactivated again meanwhile (a new epoch is already held): this snapshot is old news.
            GatewayLog.SeqGap(_services.Logger, Key.ToString(), seq, _sequencer.Seq);
            StartResyncLocked();
        }
        return follow;
    }

    /// <summary>
    /// Events are held behind a missing seq: give it the reorder window to arrive (Orleans may deliver it a moment
    /// late), then resync if it is still missing.
    /// </summary>
    private void EnsureGapCheckLocked()
    {
        if (_sequencer.MissingSeq is not { } missing || missing == _gapCheckFor) return;
        _gapCheckFor = missing;
        _ = CheckGapAfterWindowAsync(missing);
    }

    private async Task CheckGapAfterWindowAsync(long missing)
    {
        await Task.Delay(_services.Options.ReorderWindow, _services.Clock);
        lock (_gate)
        {
            if (_gapCheckFor == missing) _gapCheckFor = null;
            if (_released) return;
            if (_sequencer.MissingSeq == missing)
            {
                GatewayLog.SeqGap(_services.Logger, Key.ToString(), missing - 1, missing);
                if (_sequencer.BeginResync()) StartResyncLocked();
                return;
            }
            EnsureGapCheckLocked(); // a later seq may be missing now
        }
    }

    /// <summary>Runs a resync unless one already runs; the sequencer must already have stopped applying.</summary>
    private void StartResyncLocked()
    {
        if (_resyncing || _released) return;
        _resyncing = true;
        _ = ResyncAsync();
    }

    /// <summary>Reloads the state from the grain and sends every subscriber a fresh snapshot, then the events held meanwhile.</summary>
    private async Task ResyncAsync()
    {
        _services.Metrics.Resynced();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                lock (_gate) _sequencer.SnapshotRequested();
                var snapshot = await FetchSnapshotAsync().WaitAsync(_services.Options.GrainCallTimeout);
                lock (_gate)
                {
                    _resyncing = false;
                    if (_released) return;
                    if (snapshot is null)
                    {
                        CloseAllLocked(MissingError, "The subscribed target no longer exists.");
                        return;
                    }
                    var follow = InstallLocked(snapshot);
                    RevokeFormerMembersLocked();
                    var frame = OutboundFrame.State(RenderSnapshot(_services.Clock.GetUtcNow()), this);
                    foreach (var subscriber in _subscribers) subscriber.Send(frame);
                    ApplyAllLocked(follow);
                    EnsureGapCheckLocked();
                }
                return;
            }
            catch (Exception ex) when (attempt < 5)
            {
                GatewayLog.ResyncFailed(_services.Logger, Key.ToString(), attempt, ex);
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), _services.Clock); // back off while the cluster recovers
            }
            catch (Exception ex)
            {
                GatewayLog.ResyncFailed(_services.Logger, Key.ToString(), attempt, ex);
                // Subscribers stay and events stay held; the next renewal retries. Telling them to reconnect would only add load.
                lock (_gate) _resyncing = false;
                return;
            }
        }
    }

    /// <summary>Renews this gateway's watch (the lease) and checks it has missed nothing (see <see cref="ExpectLocked"/>).</summary>
    public async Task RenewAsync()
    {
        lock (_gate)
        {
            if (_released || !_sequencer.IsLoaded) return;
            _resume.Prune(_services.Clock.GetUtcNow()); // an idle topic lets its frames go
            if (!_sequencer.IsLive) StartResyncLocked(); // a resync that gave up is tried again
        }
        var receipt = await _link.WatchAsync().WaitAsync(_services.Options.GrainCallTimeout);
        lock (_gate) ExpectLocked(receipt);
    }

    /// <summary>
    /// The grain answered a watch with its seq: anything up to it that has not arrived within the reorder window
    /// (it may still be on its way, sent just before the answer) was lost, and the topic resyncs. A target that is
    /// gone, or a seq of a later run (the group reactivated), resyncs at once.
    /// </summary>
    private void ExpectLocked(WatchReceipt receipt)
    {
        if (_released || !_sequencer.IsLive || (receipt.Exists && receipt.Seq <= _sequencer.Seq)) return;
        if (receipt.Exists && SameRun(_sequencer.Seq, receipt.Seq))
        {
            _ = ResyncUnlessArrivedAsync(receipt.Seq);
            return;
        }
        GatewayLog.RenewalFoundMissedEvents(_services.Logger, Key.ToString(), _sequencer.Seq, receipt.Exists ? receipt.Seq : -1);
        if (_sequencer.BeginResync()) StartResyncLocked();
    }

    private async Task ResyncUnlessArrivedAsync(long grainSeq)
    {
        await Task.Delay(_services.Options.ReorderWindow, _services.Clock);
        lock (_gate)
        {
            if (_released || !_sequencer.IsLive || _sequencer.Seq >= grainSeq) return;
            GatewayLog.RenewalFoundMissedEvents(_services.Logger, Key.ToString(), _sequencer.Seq, grainSeq);
            if (_sequencer.BeginResync()) StartResyncLocked();
        }
    }

    /// <summary>
    /// Watches the grain again after the watch was lost with its activation (the grain moved, its silo died, or this
    /// gateway lost the cluster), and resyncs if events were sent while nobody watched. One attempt; the hub's
    /// <see cref="RewatchQueue"/> retries it with backoff.
    /// </summary>
    /// <returns>False when the grain could not be reached (try again later); true when done or no longer needed.</returns>
    /// <remarks>A new activation has no watchers, so whatever it sent before this watch reached nobody.</remarks>
    public async Task<bool> TryRewatchAsync(CancellationToken abandoned = default)
    {
        lock (_gate)
        {
            if (_released || !_sequencer.IsLoaded) return true;
        }
        WatchReceipt receipt;
        try
        {
            receipt = await _link.WatchAsync().WaitAsync(_services.Options.GrainCallTimeout, abandoned);
        }
        catch (Exception ex)
        {
            GatewayLog.RewatchFailed(_services.Logger, Key.ToString(), ex);
            return false;
        }
        _services.Metrics.Rewatched();
        lock (_gate) ExpectLocked(receipt);
        return true;
    }

    private void CloseAllLocked(PresenceError error, string description)
    {
        foreach (var subscriber in _subscribers) subscriber.Ended(error, description);
        _subscribers.Clear();
        _membersOnly.Clear();
        _sequencer.Unload();
        _loading = null; // a later subscribe must find out afresh whether the target exists
        ScheduleReleaseLocked();
    }

    // The last subscriber leaving starts a short linger, so a reconnecting client finds the topic still warm.
    private void ScheduleReleaseLocked()
    {
        if (_subscribers.Count > 0 || _released || _release is not null) return;
        var cts = new CancellationTokenSource();
        _release = cts;
        _ = ReleaseAfterLingerAsync(cts.Token);
    }

    private async Task ReleaseAfterLingerAsync(CancellationToken cancelled)
    {
        try
        {
            await Task.Delay(_services.Options.TopicLinger, _services.Clock, cancelled);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        lock (_gate)
        {
            if (cancelled.IsCancellationRequested || _subscribers.Count > 0 || _released) return;
            _released = true;
        }
        _services.OnReleased(this);
        await UnwatchQuietlyAsync();
    }

    private async Task UnwatchQuietlyAsync()
    {
        try
        {
            await _link.UnwatchAsync().WaitAsync(_services.Options.GrainCallTimeout);
        }
        catch (Exception ex)
        {
            // The lease ends the watch anyway.
            GatewayLog.UnwatchFailed(_services.Logger, Key.ToString(), ex);
        }
    }
}

/// <summary>What applying one event produced: a frame for every subscriber, and whether the topic ended.</summary>
public readonly record struct TopicChange(byte[]? Frame, PresenceError? Terminal = null, string? TerminalDescription = null,
    bool Resync = false, bool MembershipChanged = false);
