using FreedomCti.Presence.Gateway.Protocol;

namespace FreedomCti.Presence.Gateway.Topics;

/// <summary>
/// One topic on this gateway: the local sockets subscribed to it, the latest state (so late subscribers get a
/// snapshot without a grain call), and the fan-out of each change, rendered once, to every socket.
/// </summary>
/// <remarks>
/// Every state change happens under <see cref="_gate"/>, and a new subscriber is added and sent its snapshot in the
/// same critical section as events are applied: a subscriber sees the snapshot at seq N, then exactly N+1, N+2, ...
/// This class is the template for the topic kinds and the fan-out; its parts share the one lock: the seq rules are
/// <see cref="TopicSequencer{TEvent}"/>, how events reach the gateway is <see cref="TopicLink{TEvent}"/>, resume
/// with lastSeq is <see cref="TopicResume{TEvent}"/>, who may subscribe is <see cref="TopicAdmission{TSubscriber}"/>,
/// gap checks, resync and the watch audit are <see cref="TopicRepair{TEvent, TSnapshot}"/>, and the end of the
/// topic's life is <see cref="TopicLinger"/>.
/// </remarks>
public abstract partial class Topic<TEvent, TSnapshot> : ITopic, ISnapshotSource
    where TEvent : class
    where TSnapshot : class
{
    private readonly object _gate = new();
    private readonly HashSet<ITopicSubscriber> _subscribers = [];
    private readonly TopicAdmission<ITopicSubscriber> _admission = new();
    private readonly TopicSequencer<TEvent> _sequencer;
    private readonly TopicResume<TEvent> _resume;
    private readonly TopicRepair<TEvent, TSnapshot> _repair;
    private readonly TopicLinger _linger;
    private readonly TopicLink<TEvent> _link;
    private readonly TopicServices _services;
    private Task<bool>? _loading;

    protected Topic(TopicKey key, TopicServices services, TopicLink<TEvent> link)
    {
        Key = key;
        _services = services;
        _link = link;
        _sequencer = new TopicSequencer<TEvent>(SeqOf, SameRun);
        _resume = new TopicResume<TEvent>(services.Options.ResumeRingSize, services.Options.ResumeRingMaxAge, SeqOf, RenderReplay, SameRun);
        _linger = new TopicLinger(_gate, services.Options.TopicLinger, services.Clock, () => _subscribers.Count == 0, LetGoAsync);
        _repair = new TopicRepair<TEvent, TSnapshot>(_gate, _sequencer, link, services, key.ToString(), SameRun,
            () => _linger.Released, FetchSnapshotAsync, ReloadLocked);
        link.Bind(OnEvent, OnMoved);
    }

    public TopicKey Key { get; }

    public int SubscriberCount { get { lock (_gate) return _subscribers.Count; } }

    public long Seq { get { lock (_gate) return _sequencer.Seq; } }

    public bool IsReleased { get { lock (_gate) return _linger.Released; } }

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

    /// <summary>The held state as a snapshot frame: what a socket that fell behind is sent instead of its backlog.</summary>
    /// <remarks>Reached from a subscriber's Send, i.e. already under the gate (re-entered here), so it matches the seq being sent.</remarks>
    public byte[] CurrentSnapshot()
    {
        lock (_gate) return RenderSnapshot(_services.Clock.GetUtcNow());
    }

    // Called by the link, on Orleans' message pump for this topic's observer.
    private void OnEvent(TEvent evt)
    {
        lock (_gate)
        {
            if (_linger.Released) return;
            var held = _sequencer.Seq;
            switch (_sequencer.Offer(evt))
            {
                case SeqDecision.Apply:
                    ApplyLocked(evt);
                    ApplyAllLocked(_sequencer.TakeReady());
                    _repair.EnsureGapCheckLocked();
                    break;
                case SeqDecision.Duplicate:
                    _services.Metrics.DuplicateDropped();
                    break;
                case SeqDecision.Reordered:
                    _repair.EnsureGapCheckLocked();
                    break;
                case SeqDecision.Resync:
                    GatewayLog.SeqGap(_services.Logger, Key.ToString(), held, SeqOf(evt));
                    _repair.EnsureResyncRunningLocked();
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
            if (_linger.Released || !_sequencer.IsLive) return; // a terminal change or a resync took over
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
        if (change.Resync) _repair.ResyncNowLocked();
    }

    /// <summary>A resync's snapshot (null: the target is gone): every subscriber gets it, then the events held meanwhile.</summary>
    private void ReloadLocked(TSnapshot? snapshot)
    {
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
        _repair.EnsureGapCheckLocked();
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
            _repair.EnsureResyncRunningLocked();
        }
        return follow;
    }

    /// <summary>An agent taken out of a group stops seeing it at once: its subscription ends with 4006.</summary>
    private void RevokeFormerMembersLocked()
    {
        if (_admission.MembersOnlyCount == 0) return;
        foreach (var (subscriber, userId) in _admission.RevokeFormer(HasMember))
        {
            _subscribers.Remove(subscriber);
            subscriber.Ended(PresenceCloseCodes.GroupAccessDenied, $"User '{userId}' is no longer a member of this group.");
        }
        _linger.ScheduleLocked();
    }

    private void CloseAllLocked(PresenceError error, string description)
    {
        foreach (var subscriber in _subscribers) subscriber.Ended(error, description);
        _subscribers.Clear();
        _admission.Clear();
        _sequencer.Unload();
        _loading = null; // a later subscribe must find out afresh whether the target exists
        _linger.ScheduleLocked();
    }

    /// <summary>Renews this gateway's watch (the lease) and checks it has missed nothing (see <see cref="TopicRepair{TEvent, TSnapshot}.AuditLocked"/>).</summary>
    public async Task RenewAsync()
    {
        lock (_gate)
        {
            if (_linger.Released || !_sequencer.IsLoaded) return;
            _resume.Prune(_services.Clock.GetUtcNow()); // an idle topic lets its frames go
            if (!_sequencer.IsLive) _repair.EnsureResyncRunningLocked(); // a resync that gave up is tried again
        }
        var receipt = await _link.WatchAsync().WaitAsync(_services.Options.GrainCallTimeout);
        lock (_gate) _repair.AuditLocked(receipt);
    }

    /// <inheritdoc cref="TopicRepair{TEvent, TSnapshot}.RewatchAsync"/>
    public Task<bool> TryRewatchAsync(CancellationToken abandoned = default) => _repair.RewatchAsync(abandoned);

    // The linger ran out: the hub forgets this topic, then the watch ends.
    private Task LetGoAsync()
    {
        _services.OnReleased(this);
        return UnwatchQuietlyAsync();
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
