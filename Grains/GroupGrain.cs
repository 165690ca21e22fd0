using System.Diagnostics;
using System.Collections.Immutable;
using FreedomCti.Presence.Persistence;
using FreedomCti.Presence.State;
using Microsoft.Extensions.Logging;

namespace FreedomCti.Presence.Grains;

/// <summary>One group: applies member views pushed by users, keeps the summary incrementally, runs the call queue, sends each change to the watching gateways.</summary>
/// <remarks>
/// Member presence is derived data (the users are the truth), so it is not persisted per change: on activation the group
/// re-reads its members and starts a new seq epoch. Membership and queue changes are persisted before they are published.
/// Every published event is exactly one seq above the previous one within an activation; the grain is not reentrant and
/// its timer does not interleave, so transitions and publishes never overlap.
/// Activation re-reads every member, hence the long collection age: a group should outlive a working day's idle spells.
/// </remarks>
[CollectionAgeLimit(Hours = 4)]
public sealed class GroupGrain(
    [PersistentState("state", PresenceStorage.Name)] IPersistentState<GroupRecord> storage,
    TimeProvider time,
    ILocalSiloDetails silo,
    ILogger<GroupGrain> logger) : Grain, IGroupGrain
{
    /// <summary>At most one QueueChanged per group per this interval; queue events are for wallboards, not for routing.</summary>
    public static readonly TimeSpan QueuePublishInterval = TimeSpan.FromSeconds(1);

    private const int RefreshBatchSize = 500;


    /// <summary>

    /// Bound on reading one member while activating. A member whose silo is shutting down may be deactivating while it

    /// awaits our UpdateMember (which waits for this activation): its snapshot call would be held until the 30 s response

    /// timeout and stall both grains, and the silo's graceful shutdown with them. The held view is kept instead; the

    /// member's pending UpdateMember lands right after activation.

    /// </summary>

    private static readonly TimeSpan MemberReadTimeout = TimeSpan.FromSeconds(2);

    private string _orgId = "";
    private string _groupId = "";
    private long _epoch;
    private GroupState _state = GroupState.Empty;
    private TopicWatchers<IGroupObserver> _watchers = null!;
    private bool _queueDirty;
    private DateTimeOffset _lastQueuePublish = DateTimeOffset.MinValue;
    private IGrainTimer? _queueTimer;
    // Recent published changes, for gateways resuming a reconnecting client (see GetChangesSinceAsync).
    private readonly SeqRing<GroupChangeRecord> _recent = new();

    private DateTimeOffset Now => time.GetUtcNow();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_orgId, _groupId) = PresenceIds.Split(this.GetPrimaryKeyString());
        _watchers = new TopicWatchers<IGroupObserver>(time, logger);
        // A group that does not exist stores nothing here; its first Define stores this epoch.
        _epoch = storage.State.Epoch + 1;
        _state = storage.State.ToState().WithEpoch(_epoch);
        if (!_state.Exists)
        {
            return;
        }
        var loaded = _state;
        var refreshed = loaded.WithMembersRefreshed(await ReadMembersAsync(loaded, cancellationToken), Now);
        await SaveAsync(refreshed);
        var changed = !ReferenceEquals(refreshed, loaded);
        logger.GroupActivated(_orgId, _groupId, _epoch, refreshed.Members.Count, changed);
        if (changed)
        {
            // Subscribers will see the epoch jump and resync anyway; handing them the refreshed state saves the round trip.
            Publish(GroupEventKind.GroupChanged, withSnapshot: true);
        }
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
        await SaveAsync(_state.WithDefinition(groupName, members.IsDefault ? [] : members, Now));
        Publish(GroupEventKind.GroupChanged, withSnapshot: true);
        return _state.ToSnapshot(_orgId, _groupId, Now);
    }

    public async Task<IReadOnlyList<string>> DeleteAsync()
    {
        if (!_state.Exists)
        {
            return [];
        }
        var formerMembers = _state.Members.Keys.ToArray();
        // A tombstone rather than ClearStateAsync: the stored epoch must survive or a re-created group would reuse seqs.
        await SaveAsync(_state.WithDeleted(Now));
        _queueTimer?.Dispose();
        _queueTimer = null;
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
        await SaveAsync(next);
        Publish(GroupEventKind.GroupChanged, withSnapshot: true);
    }

    public async Task<QueueMetrics?> EnqueueCallAsync(string callId)
    {
        if (!_state.Exists)
        {
            return null;
        }
        var next = _state.WithCallEnqueued(callId, Now);
        if (!ReferenceEquals(next, _state))
        {
            await SaveAsync(next);
            QueueChanged();
        }
        return _state.Queue.ToMetrics(Now);
    }

    public async Task<QueueMetrics?> DequeueCallAsync(string callId)
    {
        var next = _state.Exists ? _state.WithCallDequeued(callId, Now) : null;
        if (next is null)
        {
            return null;
        }
        await SaveAsync(next);
        QueueChanged();
        return _state.Queue.ToMetrics(Now);
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
        var evt = new GroupEvent(
            _state.Seq,
            kind,
            _state.ChangedAt,
            _state.Summary,
            _state.Queue.ToMetrics(now),
            member,
            withSnapshot ? _state.ToSnapshot(_orgId, _groupId, now) : null,
            Activity.Current?.Id);
        if (kind == GroupEventKind.Removed) _recent.Clear(); // a removal cannot be replayed
        else _recent.Add(evt.Seq, new GroupChangeRecord(evt, kind == GroupEventKind.QueueChanged ? _state : null), now);
        _watchers.Notify(o => o.OnEventAsync(evt));
        if (kind == GroupEventKind.Removed) _watchers.Clear(); // nothing of a deleted group stays registered
    }

    private async Task SaveAsync(GroupState next)
    {
        storage.State = next.ToRecord(_epoch);
        try
        {
            await storage.WriteStateAsync();
        }
        catch
        {
            // What storage holds is now unknown: reload on the next call rather than guess.
            DeactivateOnIdle();
            throw;
        }
        _state = next;
    }

    /// <summary>Reads every member's current view from its user grain, in parallel batches; null marks a user that no longer exists.</summary>
    private async Task<List<KeyValuePair<string, GroupMember?>>> ReadMembersAsync(GroupState state, CancellationToken cancellationToken)
    {
        var views = new List<KeyValuePair<string, GroupMember?>>(state.Members.Count);
        foreach (var batch in state.Members.Values.Chunk(RefreshBatchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            views.AddRange(await Task.WhenAll(batch.Select(ReadMemberAsync)));
        }
        return views;
    }

    private async Task<KeyValuePair<string, GroupMember?>> ReadMemberAsync(GroupMember held)
    {
        try
        {
            // IUserGrain.GetSnapshotAsync interleaves, so this cannot deadlock with a user awaiting our UpdateMember.
            var snapshot = await GrainFactory.GetGrain<IUserGrain>(PresenceIds.Key(_orgId, held.UserId)).GetSnapshotAsync()
                .WaitAsync(MemberReadTimeout, time);
            return KeyValuePair.Create(held.UserId, snapshot?.ToMember());
        }
        catch (Exception ex)
        {
            logger.MemberReadFailed(ex, _orgId, _groupId, held.UserId);
            return KeyValuePair.Create<string, GroupMember?>(held.UserId, held);
        }
    }
}
