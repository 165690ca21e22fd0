using System.Diagnostics;
using FreedomCti.Presence.Hosting;
using FreedomCti.Presence.Persistence;
using FreedomCti.Presence.State;
using Microsoft.Extensions.Logging;

namespace FreedomCti.Presence.Grains;

/// <summary>One user's presence: persists every change, then sends it to the watching gateways and pushes it to the user's groups.</summary>
/// <remarks>
/// Order matters: storage first (a change sent out is never lost by a crash), then the gateways (one-way, never
/// waited on), then the groups, awaited (up to <see cref="GroupPushTimeout"/>) so that an acknowledged write is
/// normally already visible in every group. Once a change is stored nothing fails the request: a group that did not
/// acknowledge is pushed the view again by a timer (<see cref="GroupPushes"/>), not left for the next change. A REST
/// write's idempotency key is stored in the same write as its change (<see cref="IdempotencyLedger"/>), so a retry
/// learns the outcome instead of applying it twice. Calls flow user → group only (plus the interleaved GetSnapshot
/// from an activating group), so nothing waits in a cycle.
/// </remarks>
public sealed partial class UserGrain(
    [PersistentState("state", PresenceStorage.Name)] IPersistentState<UserRecord> storage,
    TimeProvider time,
    SessionSweep sweep,
    GatewayLeaseCache gatewayLeases,
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

    /// <summary>
    /// How long a change waits for its groups to acknowledge it: milliseconds normally. A group whose silo just died can
    /// hold a push until the death is declared or the response timeout passes; the write must answer well before the
    /// gateway's write deadline (Api:WriteTimeout, 3 s), so such a group is left to the repair timer.
    /// </summary>
    public static readonly TimeSpan GroupPushTimeout = TimeSpan.FromSeconds(1);

    private IdempotencyLedger _ledger = IdempotencyLedger.Empty;
    private GroupPushes _pushes = GroupPushes.None;
    private IGrainTimer? _pushTimer;

    private DateTimeOffset Now => time.GetUtcNow();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_orgId, _userId) = PresenceIds.Split(this.GetPrimaryKeyString());
        _state = storage.State.ToState();
        _storedBook = _state.Book;
        // Renewals are not stored: a session still in the stored book was live, so it gets a full lease from now.
        _state = _state.WithLeasesResumed(Now);
        _ledger = storage.State.ToLedger();
        // A recent view stored with groups pending may never have been pushed (the last activation died between the
        // write and the pushes): push it again from a timer, never from here (an activating group may be reading us).
        _pushes = _state.Exists ? GroupPushes.Restored(storage.State.UnpushedGroups, _state.ChangedAt, Now).Within(_state.Groups) : GroupPushes.None;
        _watchers = new TopicWatchers<IUserObserver>(time, logger);
        // Sessions survive the activation in storage: re-arm their deadlines (an overdue one fires at once).
        await SyncSessionTimersAsync();
        ArmPushTimer();
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
        // The directory takes the user out of its groups; nothing is left to push. The keys stay with the tombstone.
        await SaveAsync(_state.WithDeleted(Now), pushes: GroupPushes.None);
        ArmPushTimer();
        _recent.Clear(); // a removal cannot be replayed; a re-created user starts a new ring
        var removed = new UserEvent(_state.Seq, UserEventKind.Removed, null, _state.ChangedAt, Activity.Current?.Id);
        _watchers.Notify(o => o.OnEventAsync(removed));
        _watchers.Clear(); // the gateways close the topic; nothing of a deleted user stays registered
        return formerGroups;
    }

    public async Task<UserWriteResult> SetPresenceAsync(PresenceChange change, WriteKey? key = null, CancellationToken cancellation = default)
    {
        if (!_state.Exists)
        {
            return new UserWriteResult(CallOutcome.UnknownUser, null);
        }
        if (await ReplayAsync(key) is { } replay)
        {
            return new UserWriteResult((CallOutcome)replay.Outcome, SnapshotOrNull(), replay.Verdict);
        }
        await ApplyAsync(_state.WithPresence(change, Now), key: key, outcome: (int)CallOutcome.Done, cancellation: cancellation);
        return new UserWriteResult(CallOutcome.Done, SnapshotOrNull());
    }

    public Task<UserWriteResult> StartCallAsync(ActiveCall call, WriteKey? key = null, CancellationToken cancellation = default) =>
        ApplyCallAsync(() => _state.WithCallStarted(call, Now), key, cancellation);

    public Task<UserWriteResult> EndCallAsync(string callId, WriteKey? key = null, CancellationToken cancellation = default) =>
        ApplyCallAsync(() => _state.WithCallEnded(callId, Now), key, cancellation);

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
        await SaveAsync(next, pushes: _pushes.Expect([groupId]));
        // The directory defined the group from a snapshot taken before this join; a change made in between was not
        // pushed to the group, so push the current view (the group ignores it if it is not newer).
        await PushAsync([groupId]);
        return true;
    }

    public async Task LeaveGroupAsync(string groupId)
    {
        var next = _state.WithGroupLeft(groupId);
        if (!ReferenceEquals(next, _state))
        {
            await SaveAsync(next, pushes: _pushes.Within(next.Groups));
            ArmPushTimer();
        }
    }

    private async Task<UserWriteResult> ApplyCallAsync(Func<CallTransition> transition, WriteKey? key, CancellationToken cancellation)
    {
        if (_state.Exists && await ReplayAsync(key) is { } replay)
        {
            return new UserWriteResult((CallOutcome)replay.Outcome, SnapshotOrNull(), replay.Verdict);
        }
        var (outcome, next) = transition();
        if (outcome == CallOutcome.UnknownUser)
        {
            return new UserWriteResult(outcome, null);
        }
        // A refusal (conflict, unknown call) changes nothing but is recorded under its key like any outcome.
        var repeated = outcome == CallOutcome.Done && ReferenceEquals(next, _state);
        await ApplyAsync(outcome == CallOutcome.Done ? next : _state, key: key, outcome: (int)outcome, cancellation: cancellation);
        if (repeated)
        {
            // The active call's start again is a retry of a start that was applied: its pushes may be what failed.
            await PushAsync(_state.Groups);
        }
        return new UserWriteResult(outcome, SnapshotOrNull());
    }

    /// <summary>
    /// A key seen before: its recorded outcome, after pushing the current view to every group again (a writer retries
    /// when it did not get an answer, and a push may be what went wrong). Null for a fresh write, which goes on.
    /// </summary>
    private async Task<LedgerMatch?> ReplayAsync(WriteKey? key)
    {
        var match = _ledger.Match(key, Now);
        if (match.Verdict == KeyVerdict.Fresh)
        {
            return null;
        }
        if (match.Verdict == KeyVerdict.Replayed)
        {
            await PushAsync(_state.Groups);
        }
        return match;
    }

    /// <summary>Stores a transition (with the write's key, if any) and publishes it; a key alone is stored even when nothing changed.</summary>
    /// <remarks>
    /// A write whose caller cancelled before the store is not applied (its deadline passed; the gateway answered 503).
    /// After the store nothing may fail the request: the gateway could not tell an applied write from a failed one.
    /// </remarks>
    private async Task ApplyAsync(UserPresenceState next, bool persist = true, WriteKey? key = null, int outcome = 0, CancellationToken cancellation = default)
    {
        var ledger = _ledger.With(key, outcome, Now);
        if (ReferenceEquals(next, _state) && ReferenceEquals(ledger, _ledger))
        {
            return;
        }
        var visible = next.Seq != _state.Seq;
        if (persist || visible || key is not null)
        {
            cancellation.ThrowIfCancellationRequested();
            await SaveAsync(next, ledger, visible ? _pushes.Expect(next.Groups) : _pushes);
        }
        else
        {
            _state = next;
        }
        await SyncSessionTimersSafelyAsync();
        if (!visible)
        {
            return;
        }
        var evt = new UserEvent(_state.Seq, UserEventKind.Changed, _state.ToSnapshot(_orgId, _userId), _state.ChangedAt, Activity.Current?.Id);
        _recent.Add(evt.Seq, evt, Now); // before sending: a gateway that saw the event can always find it here
        _watchers.Notify(o => o.OnEventAsync(evt));
        await PushAsync(_state.Groups);
    }

    /// <summary>
    /// Pushes the current view to <paramref name="groups"/>, waiting up to <see cref="GroupPushTimeout"/>. Groups that
    /// did not acknowledge stay pending and the push timer tries them again with backoff. Never throws.
    /// </summary>
    private async Task PushAsync(IEnumerable<string> groups)
    {
        var targets = groups.ToArray();
        if (targets.Length == 0 || !_state.Exists)
        {
            return;
        }
        var member = _state.ToMember(_userId);
        _pushes = _pushes.Expect(targets);
        var pushes = Array.ConvertAll(targets, g => Group(g).UpdateMemberAsync(member));
        var all = Task.WhenAll(pushes);
        Exception? failure = null;
        try
        {
            await all.WaitAsync(GroupPushTimeout, time);
        }
        catch (Exception ex)
        {
            failure = ex;
            // A push still in flight may fail later; observe it so it is not reported as an unobserved exception.
            _ = all.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
        var missing = targets.Where((_, i) => !pushes[i].IsCompletedSuccessfully).ToArray();
        _pushes = _pushes.Delivered(targets.Except(missing));
        if (missing.Length > 0)
        {
            logger.GroupPushFailed(failure?.GetBaseException() ?? new TimeoutException(), _orgId, _userId, member.UserSeq, string.Join(",", missing));
            GrainsMetrics.GroupPushesFailed.Add(missing.Length);
            _pushes = _pushes.Failed(Now);
        }
        ArmPushTimer();
    }

    /// <summary>Keeps one timer armed exactly while a repair push is due.</summary>
    private void ArmPushTimer()
    {
        _pushTimer?.Dispose();
        _pushTimer = null;
        if (_pushes.RetryAt is not { } at)
        {
            return;
        }
        var due = at - Now;
        _pushTimer = this.RegisterGrainTimer(OnPushTimerAsync, new GrainTimerCreationOptions
        {
            DueTime = due < TimeSpan.Zero ? TimeSpan.Zero : due,
            Period = Timeout.InfiniteTimeSpan,
        });
    }

    private async Task OnPushTimerAsync(CancellationToken cancellation)
    {
        _pushes = _state.Exists ? _pushes.Within(_state.Groups) : GroupPushes.None;
        var repairing = _pushes.Pending;
        await PushAsync(repairing);
        var repaired = repairing.Except(_pushes.Pending);
        if (repaired.Count > 0)
        {
            logger.GroupPushRepaired(_orgId, _userId, _state.Seq, string.Join(",", repaired));
            GrainsMetrics.GroupPushesRepaired.Add(repaired.Count);
        }
    }

    /// <summary>Arms the session timers after a change was stored; a failure (the reminder service) is logged, not thrown.</summary>
    /// <remarks>The deadline timer is armed first and alone suffices while the activation lives; the reminder is retried by the next sync.</remarks>
    private async Task SyncSessionTimersSafelyAsync()
    {
        try
        {
            await SyncSessionTimersAsync();
        }
        catch (Exception ex)
        {
            logger.SessionTimersFailed(ex, _orgId, _userId);
        }
    }

    private async Task SaveAsync(UserPresenceState next, IdempotencyLedger? ledger = null, GroupPushes? pushes = null)
    {
        ledger ??= _ledger;
        pushes ??= _pushes;
        storage.State = next.ToRecord(ledger, pushes);
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
        _ledger = ledger;
        _pushes = pushes;
    }

    private UserSnapshot? SnapshotOrNull() => _state.Exists ? _state.ToSnapshot(_orgId, _userId) : null;

    private IGroupGrain Group(string groupId) => GrainFactory.GetGrain<IGroupGrain>(PresenceIds.Key(_orgId, groupId));
}
