using System.Diagnostics;
using System.Collections.Immutable;
using FreedomCti.Presence.Persistence;
using FreedomCti.Presence.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace FreedomCti.Presence.Grains;

/// <summary>One group: applies member views pushed by users, keeps the summary incrementally, runs the call queue, sends each change to the watching gateways.</summary>
/// <remarks>
/// Member presence is derived data (the users are the truth), so it is not persisted per change: on activation the group
/// re-reads its members and starts a new seq epoch. Membership and queue changes are persisted before they are published,
/// each writing only its own rows (<see cref="GroupStore"/>). Every published event is exactly one seq above the previous
/// one within an activation; the grain is not reentrant and its timers do not interleave, so transitions and publishes
/// never overlap. Activation re-reads every member (a large group the rest of them in batches after it answers), hence
/// the long collection age: a group should outlive a working day's idle spells.
/// </remarks>
[CollectionAgeLimit(Hours = 4)]
public sealed class GroupGrain(
    TimeProvider time,
    ILocalSiloDetails silo,
    ILogger<GroupGrain> logger) : Grain, IGroupGrain
{
    /// <summary>At most one QueueChanged per group per this interval; queue events are for wallboards, not for routing.</summary>
    public static readonly TimeSpan QueuePublishInterval = TimeSpan.FromSeconds(1);

    /// <summary>Members read per batch of the refresh (activation and the background refresh after it).</summary>
    private const int RefreshBatchSize = 500;

    /// <summary>
    /// How long an activation reads members before it answers. Reading 20,000 users that are not active is 20,000 storage
    /// reads (about 30 s on Azurite), past Orleans' 30 s activation timeout and any caller's: a larger group answers
    /// with its stored views after this and refreshes the rest in batches, publishing each member that changed.
    /// </summary>
    private static readonly TimeSpan ActivationReadBudget = TimeSpan.FromSeconds(4);


    private string _orgId = "";
    private string _groupId = "";
    private long _epoch;
    private GroupStore _store = null!;
    private GroupMemberReader _reader = null!;
    private GroupState _state = GroupState.Empty;
    private TopicWatchers<IGroupObserver> _watchers = null!;
    private bool _queueDirty;
    private DateTimeOffset _lastQueuePublish = DateTimeOffset.MinValue;
    private IGrainTimer? _queueTimer;
    private IGrainTimer? _expiryTimer;
    // The queue figures last handed to watchers, and the timer that publishes them again when time alone changes them.
    private QueueMetrics? _figuresShown;
    private IGrainTimer? _figuresTimer;
    // Members not read yet since activation (a large group), and the timer reading them a batch at a time.
    private Queue<string> _toRefresh = new();
    private IGrainTimer? _refreshTimer;
    // Recent published changes, for gateways resuming a reconnecting client (see GetChangesSinceAsync).
    private readonly SeqRing<GroupChangeRecord> _recent = new();

    private DateTimeOffset Now => time.GetUtcNow();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_orgId, _groupId) = PresenceIds.Split(this.GetPrimaryKeyString());
        _watchers = new TopicWatchers<IGroupObserver>(time, logger);
        _store = new GroupStore(
            ServiceProvider.GetRequiredKeyedService<IGrainStorage>(PresenceStorage.Rows),
            ServiceProvider.GetRequiredKeyedService<IGrainStorage>(PresenceStorage.Name),
            this.GetGrainId(), _orgId, _groupId, logger);
        _reader = new GroupMemberReader(GrainFactory, time, logger, _orgId, _groupId);
        var loaded = await _store.LoadAsync(Now);
        // A group that does not exist stores nothing here; its first Define stores this epoch.
        _epoch = _store.StoredEpoch + 1;
        _state = loaded.WithEpoch(_epoch);
        if (!_state.Exists)
        {
            return;
        }
        // What a watcher of this activation is first shown (its snapshot); the figures timer compares against it.
        _figuresShown = _state.Queue.ToMetrics(Now);
        var held = _state;
        var budget = time.GetTimestamp();
        var views = new List<KeyValuePair<string, GroupMember?>>(held.Members.Count);
        var pending = new Queue<GroupMember>(held.Members.Values);
        var unread = new List<GroupMember>();
        while (pending.Count > 0 && time.GetElapsedTime(budget) < ActivationReadBudget)
        {
            views.AddRange(await _reader.ReadForActivationAsync(Take(pending, RefreshBatchSize), unread, cancellationToken));
        }
        foreach (var member in unread) pending.Enqueue(member); // read again by the background refresh
        var refreshed = held.WithMembersRefreshed(views, Now);
        await SaveAsync(refreshed, s => _store.SaveActivationAsync(s, _epoch, Now));
        var changed = !ReferenceEquals(refreshed, held);
        logger.GroupActivated(_orgId, _groupId, _epoch, refreshed.Members.Count, changed, pending.Count);
        if (changed)
        {
            // Subscribers will see the epoch jump and resync anyway; handing them the refreshed state saves the round trip.
            Publish(GroupEventKind.GroupChanged, withSnapshot: true);
        }
        if (pending.Count > 0)
        {
            _toRefresh = new Queue<string>(pending.Select(m => m.UserId));
            _refreshTimer = this.RegisterGrainTimer(RefreshBatchAsync, new GrainTimerCreationOptions { DueTime = TimeSpan.Zero, Period = Timeout.InfiniteTimeSpan });
        }
        // Calls whose time ran out while no activation was there to expire them (a silo died, the grain idled out).
        await ExpireCallsAsync();
        ArmFigures();
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Watches live in this activation only: tell the gateways to watch the next one.
        _watchers.Notify(o => o.OnMovedAsync());
        return Task.CompletedTask;
    }

    public Task<WatchReceipt> WatchAsync(IGroupObserver observer, TimeSpan lease)
    {
        if (_state.Exists) _watchers.Watch(observer, lease);
        return Task.FromResult(new WatchReceipt(_state.Exists, _state.Seq, silo.SiloAddress));
    }

    public Task UnwatchAsync(IGroupObserver observer)
    {
        _watchers.Unwatch(observer);
        return Task.CompletedTask;
    }

    public Task<GroupSnapshot?> GetSnapshotAsync() =>
        Task.FromResult(_state.Exists ? _state.ToSnapshot(_orgId, _groupId, Now) : null);

    public Task<long> GetSeqAsync() => Task.FromResult(_state.Exists ? _state.Seq : 0);

    public Task<IReadOnlyList<GroupEvent>?> GetChangesSinceAsync(long lastSeq, long upToSeq) =>
        Task.FromResult(GroupChangeRecord.Replay(_recent.Since(lastSeq, upToSeq, Now), _orgId, _groupId));

    public async Task<GroupSnapshot> DefineAsync(string groupName, ImmutableArray<GroupMember> members)
    {
        await SaveAsync(_state.WithDefinition(groupName, members.IsDefault ? [] : members, Now), s => _store.SaveDefinitionAsync(s, _epoch, Now));
        Publish(GroupEventKind.GroupChanged, withSnapshot: true);
        return _state.ToSnapshot(_orgId, _groupId, Now);
    }

    public async Task<GroupSnapshot?> AddMembersAsync(ImmutableArray<GroupMember> members)
    {
        if (!_state.Exists)
        {
            return null;
        }
        var next = _state.WithMembersAdded(members.IsDefault ? [] : members, Now);
        if (!ReferenceEquals(next, _state))
        {
            await SaveAsync(next, s => _store.SaveMembershipAsync(s, _epoch, Now));
            Publish(GroupEventKind.GroupChanged, withSnapshot: true);
        }
        return _state.ToSnapshot(_orgId, _groupId, Now);
    }

    public async Task<IReadOnlyList<string>> DeleteAsync()
    {
        if (!_state.Exists)
        {
            return [];
        }
        var formerMembers = _state.Members.Keys.ToArray();
        // A tombstone rather than clearing: the stored epoch must survive or a re-created group would reuse seqs.
        await SaveAsync(_state.WithDeleted(Now), _ => _store.SaveDeletedAsync(_epoch, Now));
        _queueTimer?.Dispose();
        _queueTimer = null;
        _expiryTimer?.Dispose();
        _expiryTimer = null;
        _figuresTimer?.Dispose();
        _figuresTimer = null;
        _refreshTimer?.Dispose();
        _refreshTimer = null;
        _toRefresh.Clear();
        _queueDirty = false;
        Publish(GroupEventKind.Removed);
        return formerMembers;
    }

    public Task UpdateMemberAsync(GroupMember member)
    {
        if (_state.SkippedSeqs(member) is > 0 and var skipped)
        {
            logger.MemberSeqSkipped(_orgId, _groupId, member.UserId, member.UserSeq - skipped - 1, member.UserSeq);
            GrainsMetrics.MemberSeqsSkipped.Add(1);
        }
        var (next, change) = _state.WithMemberUpdated(member, Now);
        // Not persisted: member presence is re-read from the users on activation.
        _state = next;
        if (change is not null)
        {
            Publish(GroupEventKind.MemberChanged, change);
        }
        return Task.CompletedTask;
    }

    public async Task RemoveMemberAsync(string userId)
    {
        var next = _state.WithMemberRemoved(userId, Now);
        if (ReferenceEquals(next, _state))
        {
            return;
        }
        await SaveAsync(next, s => _store.SaveMembershipAsync(s, _epoch, Now));
        Publish(GroupEventKind.GroupChanged, withSnapshot: true);
    }

    public Task<QueueMetrics?> EnqueueCallAsync(string callId) => EnqueueCallAsync(callId, OrganisationSettings.DefaultMaxQueueWait);

    public async Task<QueueMetrics?> EnqueueCallAsync(string callId, TimeSpan maxWait)
    {
        if (!_state.Exists)
        {
            return null;
        }
        var next = _state.WithCallEnqueued(callId, Now, maxWait);
        if (!ReferenceEquals(next, _state))
        {
            await SaveQueueAsync(next);
        }
        return _state.Queue.ToMetrics(Now);
    }

    public async Task<QueueMetrics?> DequeueCallAsync(string callId) => (await LeaveQueueAsync(callId, QueueExit.Unspecified))?.Metrics;

    public Task<QueueLeaveResult?> LeaveQueueAsync(string callId, QueueExit reason) => LeaveQueueAsync(callId, reason, null, _state.Queue.Terms);

    public async Task<QueueLeaveResult?> LeaveQueueAsync(string callId, QueueExit reason, string? answeredBy, QueueTerms terms)
    {
        if (!_state.Exists)
        {
            return null;
        }
        // The terms count from this departure on; a change of them alone (the call unknown, or a repeat) is not stored:
        // the next departure brings them again.
        var termed = _state.WithQueueTerms(terms ?? QueueTerms.Default);
        if (termed.WithCallLeft(callId, reason, Now, answeredBy) is not { } left)
        {
            return null;
        }
        if (!left.Repeated)
        {
            await SaveQueueAsync(left.State);
        }
        return new QueueLeaveResult(left.Departure, _state.Queue.ToMetrics(Now), left.Repeated);
    }

    public async Task<QueueMetrics?> SetServiceLevelThresholdAsync(int seconds)
    {
        if (!_state.Exists)
        {
            return null;
        }
        var next = _state.WithServiceLevelThreshold(seconds);
        if (!ReferenceEquals(next, _state))
        {
            await SaveQueueAsync(next);
        }
        return _state.Queue.ToMetrics(Now);
    }

    /// <summary>
    /// Reads the next batch of members not refreshed since activation and applies each newer view as if the user had
    /// pushed it (a MemberChanged for each visible change); users that are gone are removed (stored, one GroupChanged).
    /// One batch per tick, so calls are served between batches.
    /// </summary>
    private async Task RefreshBatchAsync(CancellationToken cancellationToken)
    {
        var batch = new List<GroupMember>(RefreshBatchSize);
        while (batch.Count < RefreshBatchSize && _toRefresh.TryDequeue(out var userId))
        {
            if (_state.Members.TryGetValue(userId, out var member)) batch.Add(member);
        }
        var gone = new List<string>();
        foreach (var (userId, view) in await _reader.ReadAsync(batch, cancellationToken))
        {
            if (view is null)
            {
                gone.Add(userId);
                continue;
            }
            var (next, change) = _state.WithMemberUpdated(view, Now);
            _state = next;
            if (change is not null) Publish(GroupEventKind.MemberChanged, change);
        }
        if (gone.Count > 0)
        {
            var next = gone.Aggregate(_state, (state, userId) => state.WithMemberRemoved(userId, Now));
            await SaveAsync(next, s => _store.SaveMembershipAsync(s, _epoch, Now));
            Publish(GroupEventKind.GroupChanged, withSnapshot: true);
        }
        if (_toRefresh.Count > 0)
        {
            _refreshTimer?.Change(TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }
        else
        {
            _refreshTimer?.Dispose();
            _refreshTimer = null;
        }
    }

    private static List<T> Take<T>(Queue<T> queue, int count)
    {
        var batch = new List<T>(Math.Min(count, queue.Count));
        while (batch.Count < count && queue.TryDequeue(out var item)) batch.Add(item);
        return batch;
    }

    /// <summary>Stores a queue change (the queue row only), publishes it (coalesced) and re-arms the expiry timer.</summary>
    private async Task SaveQueueAsync(GroupState next)
    {
        await SaveAsync(next, s => _store.SaveQueueAsync(s.Queue));
        QueueChanged();
        ArmExpiry();
        ArmFigures();
    }

    /// <summary>Calls past their maxQueueWait leave as expired, so a lost dequeue does not leave a call waiting forever.</summary>
    private async Task ExpireCallsAsync()
    {
        var next = _state.WithExpiredCalls(Now);
        if (ReferenceEquals(next, _state))
        {
            ArmExpiry();
            return;
        }
        await SaveQueueAsync(next);
    }

    /// <summary>One timer at the next expiry, so calls expire even if nothing else touches the group.</summary>
    /// <remarks>It keeps the activation alive while calls wait; after a silo death the next activation expires overdue calls at once.</remarks>
    private void ArmExpiry()
    {
        if (_state.Queue.NextExpiry is not { } next)
        {
            _expiryTimer?.Dispose();
            _expiryTimer = null;
            return;
        }
        // Clamped to what a grain timer takes; an early tick expires nothing and re-arms.
        var due = next - Now;
        if (due < TimeSpan.Zero) due = TimeSpan.Zero;
        if (due > TimeSpan.FromDays(1)) due = TimeSpan.FromDays(1);
        if (_expiryTimer is null)
        {
            _expiryTimer = this.RegisterGrainTimer(
                _ => ExpireCallsAsync(),
                new GrainTimerCreationOptions { DueTime = due, Period = Timeout.InfiniteTimeSpan, KeepAlive = true });
        }
        else
        {
            _expiryTimer.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>
    /// One timer at the next moment the queue figures change by time alone (an outcome leaves the rolling window, the
    /// local day ends, a wait stops being averaged: <see cref="QueueState.NextFiguresChange"/>), so a wallboard on a quiet
    /// queue sees them decay; none while nothing is counted.
    /// </summary>
    /// <remarks>
    /// It does not keep the activation alive: the next activation's snapshot is read at its own time. Clamped to what a
    /// grain timer takes; an early tick publishes nothing and re-arms.
    /// </remarks>
    private void ArmFigures()
    {
        var now = Now;
        if (!_state.Exists || _state.Queue.NextFiguresChange(now) is not { } next)
        {
            _figuresTimer?.Dispose();
            _figuresTimer = null;
            return;
        }
        var due = next - now;
        if (due < TimeSpan.Zero) due = TimeSpan.Zero;
        if (due > TimeSpan.FromDays(1)) due = TimeSpan.FromDays(1);
        if (_figuresTimer is null)
        {
            _figuresTimer = this.RegisterGrainTimer(
                OnFiguresTimerAsync,
                new GrainTimerCreationOptions { DueTime = due, Period = Timeout.InfiniteTimeSpan });
        }
        else
        {
            _figuresTimer.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>A QueueChanged (coalesced and sequenced like any other) when the figures differ from those last shown; then re-arms.</summary>
    private Task OnFiguresTimerAsync(CancellationToken cancellationToken)
    {
        if (_state.Exists && _state.Queue.ToMetrics(Now) != _figuresShown)
        {
            QueueChanged();
        }
        ArmFigures();
        return Task.CompletedTask;
    }

    /// <summary>Publishes now if the last queue event is a second old, else makes sure one timer will publish the latest state.</summary>
    private void QueueChanged()
    {
        _queueDirty = true;
        var sinceLast = Now - _lastQueuePublish;
        if (sinceLast >= QueuePublishInterval)
        {
            PublishQueue();
        }
        else if (_queueTimer is null)
        {
            _queueTimer = this.RegisterGrainTimer(
                OnQueueTimerAsync,
                new GrainTimerCreationOptions { DueTime = QueuePublishInterval - sinceLast, Period = Timeout.InfiniteTimeSpan });
        }
    }

    private Task OnQueueTimerAsync(CancellationToken cancellationToken)
    {
        _queueTimer?.Dispose();
        _queueTimer = null;
        if (_queueDirty && _state.Exists)
        {
            PublishQueue();
        }
        return Task.CompletedTask;
    }

    private void PublishQueue()
    {
        _queueDirty = false;
        _lastQueuePublish = Now;
        _state = _state.WithQueuePublished(_lastQueuePublish);
        Publish(GroupEventKind.QueueChanged);
    }

    /// <summary>Sends the change to the watching gateways; one-way, so it completes without waiting on any of them.</summary>
    private void Publish(GroupEventKind kind, MemberChange? member = null, bool withSnapshot = false)
    {
        var now = Now;
        var figures = _state.Queue.ToMetrics(now);
        var evt = new GroupEvent(
            _state.Seq,
            kind,
            _state.ChangedAt,
            _state.Summary,
            figures,
            member,
            withSnapshot ? _state.ToSnapshot(_orgId, _groupId, now) : null,
            Activity.Current?.Id);
        _figuresShown = figures;
        if (kind == GroupEventKind.Removed) _recent.Clear(); // a removal cannot be replayed
        else _recent.Add(evt.Seq, new GroupChangeRecord(evt, kind == GroupEventKind.QueueChanged ? _state : null), now);
        _watchers.Notify(o => o.OnEventAsync(evt));
        if (kind == GroupEventKind.Removed) _watchers.Clear(); // nothing of a deleted group stays registered
    }

    /// <summary>Writes what <paramref name="next"/> changed, then makes it the state; a failed write leaves the activation to be reloaded.</summary>
    private async Task SaveAsync(GroupState next, Func<GroupState, Task> write)
    {
        try
        {
            await write(next);
        }
        catch
        {
            // What storage holds is now unknown: reload on the next call rather than guess.
            DeactivateOnIdle();
            throw;
        }
        _state = next;
    }
}
