using FreedomCti.Presence.Gateway.Protocol;
using Orleans.Streams;

namespace FreedomCti.Presence.Gateway.Topics;

/// <summary>
/// One topic on this gateway: a single Orleans stream subscription shared by every local socket, the latest state
/// (so late subscribers get a snapshot without a grain call), and the seq that orders everything.
/// </summary>
/// <remarks>
/// All state changes happen under <see cref="_gate"/>, and a new subscriber is added and sent its snapshot in the
/// same critical section as events are applied: a subscriber sees the snapshot at seq N, then exactly N+1, N+2, ...
/// A gap in the stream's seq (lost delivery, grain failover) triggers a resync from the grain's snapshot.
/// </remarks>
public abstract partial class Topic<TEvent, TSnapshot> : ITopic, ISnapshotSource
    where TEvent : class
    where TSnapshot : class
{
    private const int MaxBufferedEvents = 10_000;

    private readonly object _gate = new();
    private readonly HashSet<ITopicSubscriber> _subscribers = [];
    // Subscribers admitted only as members (agents on a group), re-checked whenever the membership may have changed.
    private readonly Dictionary<ITopicSubscriber, string> _membersOnly = [];
    private readonly List<TEvent> _buffer = [];
    private readonly IStreamProvider _streams;
    private readonly TopicServices _services;
    private StreamSubscriptionHandle<TEvent>? _handle;
    private Task<bool>? _loading;
    private bool _loaded;
    private bool _resyncing;
    private bool _released;
    private long _seq = -1;
    private readonly StreamSilence _silence = new();
    private CancellationTokenSource? _release;
    // The change frames sent lately, for subscribers that resume with lastSeq (see ResumeAsync below).
    private readonly ResumeRing _ring;

    protected Topic(TopicKey key, IStreamProvider streams, TopicServices services)
    {
        Key = key;
        _streams = streams;
        _services = services;
        _ring = new ResumeRing(services.Options.ResumeRingSize, services.Options.ResumeRingMaxAge);
    }

    public TopicKey Key { get; }

    public int SubscriberCount { get { lock (_gate) return _subscribers.Count; } }

    public long Seq { get { lock (_gate) return _seq; } }

    protected abstract Orleans.Runtime.StreamId StreamId { get; }

    /// <summary>Reads the grain's current state; null when the user or group does not exist.</summary>
    protected abstract Task<TSnapshot?> FetchSnapshotAsync();

    /// <summary>Reads the grain's current seq cheaply; null when the target no longer exists.</summary>
    protected abstract Task<long?> FetchSeqAsync();

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

    /// <summary>The grain's recent changes in (lastSeq, upToSeq], or null when it no longer holds them all.</summary>
    protected abstract Task<IReadOnlyList<TEvent>?> FetchChangesSinceAsync(long lastSeq, long upToSeq);

    /// <summary>Renders a change the grain replayed without touching the held state; null when it cannot be rendered alone.</summary>
    /// <remarks>Rendered as of the change's own time: durations then read as they did when it was first sent.</remarks>
    protected abstract byte[]? RenderReplay(TEvent evt);

    /// <summary>Whether a client's lastSeq could belong to this topic's current run of seqs (a group's epoch).</summary>
    protected virtual bool MayResumeFrom(long lastSeq, long currentSeq) => true;

    /// <summary>Adds a subscriber and sends it the current snapshot. Loads the topic first if this is its first subscriber.</summary>
    /// <param name="lastSeq">The last seq the client saw: if every change after it can still be replayed, it gets
    /// "resumed" and those frames instead of the snapshot (docs/protocol.md, "Resume").</param>
    public async Task<SubscribeOutcome> AddAsync(ITopicSubscriber subscriber, string? requiredMember = null, long? lastSeq = null)
    {
        Task<bool> loading;
        long grainUpTo;
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
            }
            GatewayLog.TopicLoadFailed(_services.Logger, Key.ToString(), ex);
            ScheduleReleaseIfIdle();
            return SubscribeOutcome.Failed;
        }

        lock (_gate)
        {
            if (!exists || _released)
            {
                if (!exists && ReferenceEquals(_loading, loading)) _loading = null;
                ScheduleReleaseLocked();
                return exists ? SubscribeOutcome.Failed : SubscribeOutcome.TargetNotFound;
            }
            if (requiredMember is not null && !HasMember(requiredMember))
            {
                if (_subscribers.Count == 0) ScheduleReleaseLocked();
                return SubscribeOutcome.AccessDenied;
            }
            if (!NeedsGrainForResumeLocked(subscriber, lastSeq))
            {
                AdmitLocked(subscriber, requiredMember, lastSeq, null, 0);
                return SubscribeOutcome.Subscribed;
            }
            grainUpTo = _seq;
        }
        return await ResumeFromGrainAsync(subscriber, requiredMember, lastSeq!.Value, grainUpTo);
    }

    /// <summary>
    /// True when the client asked to resume from a seq this gateway's ring no longer covers (the topic was just loaded
    /// here, or the ring was restarted), but the grain's ring still might.
    /// </summary>
    private bool NeedsGrainForResumeLocked(ITopicSubscriber subscriber, long? lastSeq) =>
        lastSeq is { } from && from < _seq && MayResumeFrom(from, _seq) && !_subscribers.Contains(subscriber)
        && !_ring.TryCopy(from, _seq, _services.Clock.GetUtcNow(), []);

    /// <summary>
    /// Cross-gateway resume: fetch the grain's changes up to the seq held now, outside the gate; back under the gate,
    /// the changes applied here meanwhile come from this topic's own ring, so the replay joins the live stream
    /// without gap or duplicate. Anything missing on either side means a snapshot.
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
            if (_released) return SubscribeOutcome.Failed; // the hub retries on a fresh topic
            if (!_loaded)
            {
                ScheduleReleaseLocked();
                return SubscribeOutcome.TargetNotFound; // removed while we asked
            }
            if (requiredMember is not null && !HasMember(requiredMember))
            {
                if (_subscribers.Count == 0) ScheduleReleaseLocked();
                return SubscribeOutcome.AccessDenied;
            }
            AdmitLocked(subscriber, requiredMember, lastSeq, changes, upTo);
        }
        return SubscribeOutcome.Subscribed;
    }

    /// <summary>Adds the subscriber and sends it either "resumed" and the frames it missed, or the snapshot.</summary>
    /// <param name="grainChanges">The grain's changes in (lastSeq, grainUpTo], when they were fetched.</param>
    private void AdmitLocked(ITopicSubscriber subscriber, string? requiredMember, long? lastSeq, IReadOnlyList<TEvent>? grainChanges, long grainUpTo)
    {
        var already = !_subscribers.Add(subscriber);
        if (requiredMember is not null) _membersOnly[subscriber] = requiredMember;
        var now = _services.Clock.GetUtcNow();
        if (lastSeq is { } from && !already && TryResumeLocked(subscriber, from, grainChanges, grainUpTo, now)) return;
        subscriber.Send(OutboundFrame.State(RenderSnapshot(now), this));
        if (lastSeq is not null) _services.Metrics.Resumed(Key.Kind, replayed: false, "none");
    }

    private bool TryResumeLocked(ITopicSubscriber subscriber, long from, IReadOnlyList<TEvent>? grainChanges, long grainUpTo, DateTimeOffset now)
    {
        if (from > _seq || !MayResumeFrom(from, _seq)) return false;
        var frames = new List<byte[]>();
        var ringFrom = from;
        var fromGrain = false;
        if (grainChanges is not null && grainUpTo > from && grainUpTo <= _seq)
        {
            if (grainChanges.Count != grainUpTo - from) return false;
            var expected = from + 1;
            foreach (var evt in grainChanges)
            {
                if (SeqOf(evt) != expected++ || RenderReplay(evt) is not { } frame) return false;
                frames.Add(frame);
            }
            ringFrom = grainUpTo;
            fromGrain = true;
        }
        if (!_ring.TryCopy(ringFrom, _seq, now, frames)) return false;

        var isUser = Key.Kind == TopicKind.User;
        subscriber.Send(OutboundFrame.Control(PresenceMessageWriter.Resumed(Key.OrgId, isUser ? Key.Id : null, isUser ? null : Key.Id, from, _seq, frames.Count, now)));
        // State frames, like live ones: a socket that cannot take them all is conflated into a snapshot as usual.
        foreach (var frame in frames) subscriber.Send(OutboundFrame.State(frame, this));
        _services.Metrics.Resumed(Key.Kind, replayed: true, fromGrain ? "grain" : "gateway");
        return true;
    }

    public void Remove(ITopicSubscriber subscriber)
    {
        lock (_gate)
        {
            _membersOnly.Remove(subscriber);
            if (_subscribers.Remove(subscriber)) ScheduleReleaseLocked();
        }
    }

    public bool IsReleased { get { lock (_gate) return _released; } }

    /// <summary>The held state as a snapshot frame: what a socket that fell behind is sent instead of its backlog.</summary>
    /// <remarks>Reached from a subscriber's Send, i.e. already under the gate (re-entered here), so it matches the seq being sent.</remarks>
    public byte[] CurrentSnapshot()
    {
        lock (_gate) return RenderSnapshot(_services.Clock.GetUtcNow());
    }

    /// <summary>First load: check existence, subscribe to the stream, then take the snapshot the stream continues from.</summary>
    private async Task<bool> LoadAsync()
    {
        // Existence first, so a subscribe to an unknown id costs no stream subscription.
        if (await FetchSnapshotAsync() is null) return false;
        await SubscribeStreamAsync();
        // Taken after subscribing: an event published in between is either in the snapshot or arrives after it.
        var snapshot = await FetchSnapshotAsync();
        if (snapshot is null) return false;
        lock (_gate)
        {
            InstallLocked(snapshot);
            _loaded = true;
            DrainBufferLocked();
        }
        return true;
    }

    private async Task SubscribeStreamAsync()
    {
        var stream = _streams.GetStream<TEvent>(StreamId);
        var previous = _handle;
        // Subscribe before dropping the old handle: no window without a subscription; duplicates are dropped by seq.
        _handle = await stream.SubscribeAsync(OnEventAsync, OnErrorAsync);
        if (previous is not null)
        {
            try { await previous.UnsubscribeAsync(); }
            catch (Exception ex) { GatewayLog.UnsubscribeFailed(_services.Logger, Key.ToString(), ex); }
        }
    }

    private Task OnEventAsync(TEvent evt, StreamSequenceToken? token)
    {
        lock (_gate)
        {
            if (_released) return Task.CompletedTask;
            if (!_loaded || _resyncing)
            {
                BufferLocked(evt);
                return Task.CompletedTask;
            }
            ApplyInOrderLocked(evt);
        }
        return Task.CompletedTask;
    }

    private Task OnErrorAsync(Exception ex)
    {
        GatewayLog.StreamError(_services.Logger, Key.ToString(), ex);
        return Task.CompletedTask;
    }

    private void ApplyInOrderLocked(TEvent evt)
    {
        var seq = SeqOf(evt);
        if (seq <= _seq)
        {
            _services.Metrics.DuplicateDropped();
            return;
        }
        if (seq != _seq + 1)
        {
            GatewayLog.SeqGap(_services.Logger, Key.ToString(), _seq, seq);
            BufferLocked(evt);
            StartResyncLocked();
            return;
        }

        using var span = Hosting.GatewayTracing.StartFanOut(Key.ToString(), seq, TraceParentOf(evt), _subscribers.Count);
        var now = _services.Clock.GetUtcNow();
        var change = Apply(evt, now);
        _seq = seq;
        if (change.Frame is null) _ring.Restart(); // a seq without a frame cannot be replayed
        if (change.Frame is { } frame)
        {
            _ring.Add(seq, frame, now);
            var outbound = OutboundFrame.State(frame, this);
            foreach (var subscriber in _subscribers) subscriber.Send(outbound);
            _services.Metrics.Delivered(_subscribers.Count, frame.Length);
            _services.Metrics.EventQueued(Key.Kind, now - TimestampOf(evt));
        }
        if (change.Terminal is { } error)
        {
            foreach (var subscriber in _subscribers) subscriber.Close(error, change.TerminalDescription ?? error.Message);
            _subscribers.Clear();
            _membersOnly.Clear();
            _loading = null; // a later subscribe must find out afresh whether the target exists
            _loaded = false;
            ScheduleReleaseLocked();
        }
        if (change.MembershipChanged) RevokeFormerMembersLocked();
        if (change.Resync) StartResyncLocked();
    }

    /// <summary>An agent taken out of a group stops seeing it at once: its socket is closed with 4006.</summary>
    private void RevokeFormerMembersLocked()
    {
        if (_membersOnly.Count == 0) return;
        foreach (var (subscriber, userId) in _membersOnly.Where(m => !HasMember(m.Value)).ToArray())
        {
            _membersOnly.Remove(subscriber);
            _subscribers.Remove(subscriber);
            subscriber.Close(PresenceCloseCodes.GroupAccessDenied, $"User '{userId}' is no longer a member of this group.");
        }
        ScheduleReleaseLocked();
    }

    private void BufferLocked(TEvent evt)
    {
        if (_buffer.Count < MaxBufferedEvents) _buffer.Add(evt);
        // Overflow simply loses events: the seq gap they leave triggers another resync.
    }

    /// <summary>
    /// Applies the events that arrived while a snapshot was being fetched. Those at or below the snapshot's seq are
    /// already in it; a gap after it is dropped rather than resynced again (a resync cannot fill it if the grain never
    /// had those seqs): if the grain really is ahead, the next event or the next audit catches it.
    /// </summary>
    private void DrainBufferLocked()
    {
        if (_buffer.Count == 0) return;
        var pending = _buffer.ToArray();
        _buffer.Clear();
        Array.Sort(pending, (a, b) => SeqOf(a).CompareTo(SeqOf(b)));
        foreach (var evt in pending)
        {
            var seq = SeqOf(evt);
            if (seq <= _seq) continue;
            if (seq != _seq + 1)
            {
                GatewayLog.BufferedGapDropped(_services.Logger, Key.ToString(), _seq, seq);
                return;
            }
            ApplyInOrderLocked(evt);
        }
    }

    private void InstallLocked(TSnapshot snapshot)
    {
        _seq = Install(snapshot);
        _ring.Restart(); // seqs before a (re)load cannot be replayed exactly
    }

    private void StartResyncLocked()
    {
        if (_resyncing || !_loaded) return;
        _resyncing = true;
        _ = ResyncAsync(resubscribe: false);
    }

    /// <summary>Reloads the state from the grain and sends every subscriber a fresh snapshot.</summary>
    /// <param name="resubscribe">Also replace the stream subscription (after a cluster reconnect, or when the audit found it silent).</param>
    public async Task ResyncAsync(bool resubscribe)
    {
        lock (_gate)
        {
            if (_released || !_loaded)
            {
                _resyncing = false;
                return;
            }
            _resyncing = true;
        }
        _services.Metrics.Resynced();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (resubscribe) await SubscribeStreamAsync();
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
                    InstallLocked(snapshot);
                    RevokeFormerMembersLocked();
                    var frame = OutboundFrame.State(RenderSnapshot(_services.Clock.GetUtcNow()), this);
                    foreach (var subscriber in _subscribers) subscriber.Send(frame);
                    DrainBufferLocked();
                }
                return;
            }
            catch (Exception ex) when (attempt < 5)
            {
                GatewayLog.ResyncFailed(_services.Logger, Key.ToString(), attempt, ex);
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt)); // back off while the cluster recovers
            }
            catch (Exception ex)
            {
                GatewayLog.ResyncFailed(_services.Logger, Key.ToString(), attempt, ex);
                lock (_gate)
                {
                    _resyncing = false;
                    // Subscribers stay; the next audit retries. Telling them to reconnect would only add load.
                }
                return;
            }
        }
    }

    /// <summary>
    /// Anti-entropy: if a seq the grain already had at the last audit has still not arrived, the stream went silent
    /// (e.g. Orleans dropped the subscription after a failed delivery): subscribe again and resync.
    /// </summary>
    public async Task AuditAsync()
    {
        long local;
        lock (_gate)
        {
            if (_released || !_loaded || _resyncing) return;
            local = _seq;
            _ring.Prune(_services.Clock.GetUtcNow()); // an idle topic lets its frames go
        }
        var remote = await FetchSeqAsync().WaitAsync(_services.Options.GrainCallTimeout);
        bool silent;
        lock (_gate)
        {
            silent = _silence.IsSilent(remote, _seq);
        }
        if (silent)
        {
            GatewayLog.AuditFoundSilentTopic(_services.Logger, Key.ToString(), local, remote ?? -1);
            await ResyncAsync(resubscribe: true);
        }
    }

    protected abstract PresenceError MissingError { get; }

    /// <summary>Whether the held state lists this user as a member (callers hold the gate).</summary>
    protected virtual bool HasMember(string userId) => false;

    private void CloseAllLocked(PresenceError error, string description)
    {
        foreach (var subscriber in _subscribers) subscriber.Close(error, description);
        _subscribers.Clear();
        _membersOnly.Clear();
        _loading = null;
        _loaded = false;
        ScheduleReleaseLocked();
    }

    private void ScheduleReleaseIfIdle()
    {
        lock (_gate) ScheduleReleaseLocked();
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
        StreamSubscriptionHandle<TEvent>? handle;
        lock (_gate)
        {
            if (cancelled.IsCancellationRequested || _subscribers.Count > 0 || _released) return;
            _released = true;
            handle = _handle;
            _handle = null;
        }
        _services.OnReleased(this);
        if (handle is not null)
        {
            try { await handle.UnsubscribeAsync(); }
            catch (Exception ex) { GatewayLog.UnsubscribeFailed(_services.Logger, Key.ToString(), ex); }
        }
    }
}

/// <summary>What applying one event produced: a frame for every subscriber, and whether the topic ended.</summary>
public readonly record struct TopicChange(byte[]? Frame, PresenceError? Terminal = null, string? TerminalDescription = null,
    bool Resync = false, bool MembershipChanged = false);
