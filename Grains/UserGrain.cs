using System.Diagnostics;
using FreedomCti.Presence.Hosting;
using FreedomCti.Presence.Persistence;
using FreedomCti.Presence.State;
using Microsoft.Extensions.Logging;

namespace FreedomCti.Presence.Grains;

/// <summary>One user's presence: persists every change, then sends it to the watching gateways and pushes it to the user's groups.</summary>
/// <remarks>
/// Order matters: storage first (a change sent out is never lost by a crash), then the gateways (one-way, never
/// waited on), then the groups, awaited so that an acknowledged write is already visible in every group. Calls flow
/// user → group only (plus the interleaved GetSnapshot from an activating group), so nothing waits in a cycle.
/// </remarks>
public sealed partial class UserGrain(
    [PersistentState("state", PresenceStorage.Name)] IPersistentState<UserRecord> storage,
    TimeProvider time,
    SessionSweep sweep,
    ILocalSiloDetails silo,
    ILogger<UserGrain> logger) : Grain, IUserGrain
{
    private string _orgId = "";
    private string _userId = "";
    private UserPresenceState _state = UserPresenceState.Empty;
    // What storage holds of the sessions: heartbeats that change little are kept in memory only (see MustPersist).
    private SessionBook? _storedBook;
    private TopicWatchers<IUserObserver> _watchers = null!;
    // Recent published changes, for gateways resuming a reconnecting client (IUserGrain.GetChangesSinceAsync).
    private readonly SeqRing<UserEvent> _recent = new();

    private DateTimeOffset Now => time.GetUtcNow();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_orgId, _userId) = PresenceIds.Split(this.GetPrimaryKeyString());
        _state = storage.State.ToState();
        _storedBook = _state.Book;
        _watchers = new TopicWatchers<IUserObserver>(time, logger);
        // Sessions survive the activation in storage: re-arm their deadlines (an overdue one fires at once).
        await SyncSessionTimersAsync();
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Watches live in this activation only: tell the gateways to watch the next one (a silo that dies says nothing;
        // the gateways notice that from the membership).
        _watchers.Notify(o => o.OnMovedAsync());
        return Task.CompletedTask;
    }

    public Task<UserSnapshot?> GetSnapshotAsync() => Task.FromResult(SnapshotOrNull());

    public Task<WatchReceipt> WatchAsync(IUserObserver observer, TimeSpan lease)
    {
        if (_state.Exists) _watchers.Watch(observer, lease);
        return Task.FromResult(new WatchReceipt(_state.Exists, _state.Seq, silo.SiloAddress));
    }

    public Task UnwatchAsync(IUserObserver observer)
    {
        _watchers.Unwatch(observer);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> GetGroupsAsync() => Task.FromResult<IReadOnlyList<string>>([.. _state.Groups]);

    public Task<IReadOnlyList<UserEvent>?> GetChangesSinceAsync(long lastSeq, long upToSeq) =>
        Task.FromResult<IReadOnlyList<UserEvent>?>(_recent.Since(lastSeq, upToSeq, Now));

    public async Task<UserSnapshot> UpsertProfileAsync(UserProfile profile)
    {
        await ApplyAsync(_state.WithProfile(profile, Now));
        return _state.ToSnapshot(_orgId, _userId);
    }

    public async Task<IReadOnlyList<string>> DeleteAsync()
    {
        if (!_state.Exists)
        {
            return [];
        }
        var formerGroups = _state.Groups.ToArray();
        // A tombstone rather than ClearStateAsync: it keeps Seq, so a user re-created under the same id continues
        // above every seq already published and the groups' "newer view wins" rule keeps working for it.
        await SaveAsync(_state.WithDeleted(Now));
        _recent.Clear(); // a removal cannot be replayed; a re-created user starts a new ring
        var removed = new UserEvent(_state.Seq, UserEventKind.Removed, null, _state.ChangedAt, Activity.Current?.Id);
        _watchers.Notify(o => o.OnEventAsync(removed));
        _watchers.Clear(); // the gateways close the topic; nothing of a deleted user stays registered
        return formerGroups;
    }

    public async Task<UserSnapshot?> SetPresenceAsync(PresenceChange change)
    {
        if (!_state.Exists)
        {
            return null;
        }
        await ApplyAsync(_state.WithPresence(change, Now));
        return _state.ToSnapshot(_orgId, _userId);
    }

    public Task<CallResult> StartCallAsync(ActiveCall call) => ApplyCallAsync(_state.WithCallStarted(call, Now));

    public Task<CallResult> EndCallAsync(string callId) => ApplyCallAsync(_state.WithCallEnded(callId, Now));

    public async Task<bool> JoinGroupAsync(string groupId)
    {
        if (!_state.Exists)
        {
            return false;
        }
        var next = _state.WithGroupJoined(groupId);
        if (ReferenceEquals(next, _state))
        {
            // Already a member: the group has been receiving every change since the join.
            return true;
        }
        await SaveAsync(next);
        // The directory defined the group from a snapshot taken before this join; a change made in between was not
        // pushed to the group, so push the current view (the group ignores it if it is not newer).
        await Group(groupId).UpdateMemberAsync(_state.ToMember(_userId));
        return true;
    }

    public async Task LeaveGroupAsync(string groupId)
    {
        var next = _state.WithGroupLeft(groupId);
        if (!ReferenceEquals(next, _state))
        {
            await SaveAsync(next);
        }
    }

    private async Task<CallResult> ApplyCallAsync(CallTransition transition)
    {
        if (transition.Outcome == CallOutcome.Done)
        {
            await ApplyAsync(transition.State);
        }
        return new CallResult(transition.Outcome, SnapshotOrNull());
    }

    private async Task ApplyAsync(UserPresenceState next, bool persist = true)
    {
        if (ReferenceEquals(next, _state))
        {
            return;
        }
        var visible = next.Seq != _state.Seq;
        if (persist || visible)
        {
            await SaveAsync(next);
        }
        else
        {
            _state = next;
        }
        await SyncSessionTimersAsync();
        if (!visible)
        {
            return;
        }
        var evt = new UserEvent(_state.Seq, UserEventKind.Changed, _state.ToSnapshot(_orgId, _userId), _state.ChangedAt, Activity.Current?.Id);
        _recent.Add(evt.Seq, evt, Now); // before sending: a gateway that saw the event can always find it here
        _watchers.Notify(o => o.OnEventAsync(evt));
        if (_state.Groups.Count > 0)
        {
            var member = _state.ToMember(_userId);
            await Task.WhenAll(_state.Groups.Select(g => Group(g).UpdateMemberAsync(member)));
        }
    }

    private async Task SaveAsync(UserPresenceState next)
    {
        storage.State = next.ToRecord();
        try
        {
            await storage.WriteStateAsync();
        }
        catch
        {
            // What storage holds is now unknown (etag conflict, timeout): reload it on the next call rather than guess.
            DeactivateOnIdle();
            throw;
        }
        // Assigned only after the write, so an interleaved GetSnapshot never reports a state that might not survive.
        _state = next;
        _storedBook = next.Book;
    }

    private UserSnapshot? SnapshotOrNull() => _state.Exists ? _state.ToSnapshot(_orgId, _userId) : null;

    private IGroupGrain Group(string groupId) => GrainFactory.GetGrain<IGroupGrain>(PresenceIds.Key(_orgId, groupId));
}
