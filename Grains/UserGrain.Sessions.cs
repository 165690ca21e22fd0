using FreedomCti.Presence.Hosting;
using FreedomCti.Presence.State;

namespace FreedomCti.Presence.Grains;

/// <summary>Presence sessions of the user grain: leases timed by a grain timer, backed by a durable reminder.</summary>
/// <remarks>
/// The timer fires at the state's next deadline (lease end, grace end, idle threshold, debounce), precisely. It dies
/// with the activation; the reminder does not: while the user has sessions, a reminder every
/// <see cref="SessionSweep.Period"/> reactivates the grain on a surviving silo, which re-arms the timer and settles
/// anything overdue. Deadlines are stored times, so a late evaluation reaches the same result as a punctual one.
/// </remarks>
public sealed partial class UserGrain : IRemindable
{
    private const string SessionReminder = "presence-sessions";
    private IGrainTimer? _deadlineTimer;
    private bool _reminderRegistered;

    public async Task<SessionResult> OpenSessionAsync(SessionOpen open, SessionPolicy policy, WriteKey? key = null, CancellationToken cancellation = default)
    {
        if (_state.Exists && await ReplayAsync(key) is { } replay)
        {
            return Result(open.SessionId, (SessionOutcome)replay.Outcome, replay.Verdict);
        }
        await ConfirmHoldersAsync();
        return await ApplySessionAsync(open.SessionId, _state.WithSessionOpened(open, policy, Now), persist: true, key, cancellation);
    }

    public async Task<SessionResult> ReportSessionAsync(string sessionId, SessionReport report)
    {
        if (report.Status is null && !report.Activity) GrainsMetrics.SessionRenewals.Add(1);
        // A late deadline timer must not make an in-band session whose gateway is alive look ended to its own update.
        await ConfirmHoldersAsync();
        var (outcome, next) = _state.WithSessionReport(sessionId, report, Now);
        return await ApplySessionAsync(sessionId, (outcome, next), persist: MustPersist(next, sessionId));
    }

    public async Task<SessionResult> CloseSessionAsync(string sessionId, SessionEnd end, WriteKey? key = null, CancellationToken cancellation = default)
    {
        if (_state.Exists && await ReplayAsync(key) is { } replay)
        {
            return Result(sessionId, (SessionOutcome)replay.Outcome, replay.Verdict);
        }
        return await ApplySessionAsync(sessionId, _state.WithSessionClosed(sessionId, end, Now), persist: true, key, cancellation);
    }

    public Task<IReadOnlyList<SessionInfo>> GetSessionsAsync() => Task.FromResult(_state.SessionInfos(Now));

    public async Task ReceiveReminder(string reminderName, Orleans.Runtime.TickStatus status)
    {
        if (reminderName != SessionReminder) return;
        GrainsMetrics.SessionSweeps.Add(1);
        if (_state.Book is null)
        {
            // Left over from an activation that died between going offline and unregistering.
            await DropReminderAsync();
            return;
        }
        // Being active again is most of the work: activation re-armed the timer. Settle anything already due.
        await SettleAsync();
    }

    private async Task<SessionResult> ApplySessionAsync(
        string sessionId, (SessionOutcome Outcome, UserPresenceState State) transition, bool persist, WriteKey? key = null, CancellationToken cancellation = default)
    {
        if (transition.Outcome == SessionOutcome.Done)
        {
            await ApplyAsync(transition.State, persist, key, (int)transition.Outcome, cancellation);
        }
        else if (transition.Outcome != SessionOutcome.UnknownUser)
        {
            // A refusal changes nothing but is recorded under its key like any outcome (an unknown user has no record).
            await ApplyAsync(_state, persist: true, key, (int)transition.Outcome, cancellation);
        }
        return Result(sessionId, transition.Outcome);
    }

    private SessionResult Result(string sessionId, SessionOutcome outcome, KeyVerdict verdict = KeyVerdict.Fresh) =>
        new(outcome, _state.SessionInfos(Now).FirstOrDefault(s => s.SessionId == sessionId), SnapshotOrNull(), verdict);

    /// <summary>Whether a heartbeat must reach storage: not for a renewal alone (see <see cref="UserPresenceState.MustStoreReport"/>).</summary>
    private bool MustPersist(UserPresenceState next, string sessionId) => UserPresenceState.MustStoreReport(_storedBook, next.Book, sessionId);

    /// <summary>Arms the timer for the next deadline, and holds the reminder exactly while the user has sessions.</summary>
    private async Task SyncSessionTimersAsync()
    {
        _deadlineTimer?.Dispose();
        _deadlineTimer = null;
        if (_state.NextDeadline(Now) is { } deadline)
        {
            // A few ms past the deadline, so that the evaluation sees it as passed.
            var due = deadline - Now + TimeSpan.FromMilliseconds(5);
            _deadlineTimer = this.RegisterGrainTimer(OnDeadlineAsync, new GrainTimerCreationOptions
            {
                DueTime = due < TimeSpan.Zero ? TimeSpan.Zero : due,
                Period = Timeout.InfiniteTimeSpan,
            });
        }

        var wanted = _state.Book is not null;
        if (wanted && !_reminderRegistered)
        {
            await this.RegisterOrUpdateReminder(SessionReminder, sweep.Period, sweep.Period);
            _reminderRegistered = true;
        }
        else if (!wanted && _reminderRegistered)
        {
            await DropReminderAsync();
        }
    }

    private async Task DropReminderAsync()
    {
        if (await this.GetReminder(SessionReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
        _reminderRegistered = false;
    }

    private Task OnDeadlineAsync(CancellationToken cancellation)
    {
        GrainsMetrics.SessionDeadlines.Add(1);
        return SettleAsync();
    }

    /// <summary>
    /// Asks the gateways holding in-band sessions that are due for a check (a third of their lease left) whether they
    /// are alive, through this silo's <see cref="GatewayLeaseCache"/> (normally no call), and extends those sessions or
    /// lets go of them. In memory only, like a heartbeat's renewal: an activation reading the book back gives every
    /// stored session a full lease anyway. Nothing to do, and no await, for users without in-band sessions due.
    /// </summary>
    private Task ConfirmHoldersAsync()
    {
        var holders = _state.HoldersToConfirm(Now);
        return holders.Count == 0 ? Task.CompletedTask : ConfirmAsync(holders);

        async Task ConfirmAsync(IReadOnlyList<string> due)
        {
            var lease = _state.Book!.Policy.Lease;
            var renewedAt = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
            foreach (var holder in due)
            {
                renewedAt[holder] = await gatewayLeases.RenewedAtAsync(holder, lease);
            }
            _state = _state.WithHoldersConfirmed(renewedAt, Now);
        }
    }

    /// <summary>Evaluates the deadlines now; when nothing changed (a timer a little early, an idle threshold a manual
    /// status overrides) the timer is still re-armed for the next deadline, which ApplyAsync alone would skip.</summary>
    private async Task SettleAsync()
    {
        await ConfirmHoldersAsync();
        var next = _state.Evaluate(Now);
        if (ReferenceEquals(next, _state))
        {
            await SyncSessionTimersAsync();
            return;
        }
        await ApplyAsync(next);
    }
}
