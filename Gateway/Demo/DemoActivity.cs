using System.Globalization;
using FreedomCti.Presence.Gateway.Security;

namespace FreedomCti.Presence.Gateway.Demo;

/// <summary>
/// Keeps the demo Sales Team moving so a newcomer sees the wallboard alive: every few seconds one agent changes
/// status, a call starts or ends, or the queue grows or shrinks. It writes through the same grain calls as the REST API.
/// On by default only in the one-command demo run (a development key); Demo:Activity=true|false decides explicitly.
/// </summary>
public sealed partial class DemoActivity(IClusterClient grains, TimeProvider clock, IHostApplicationLifetime lifetime,
    IConfiguration configuration, SigningKeys keys, ILogger<DemoActivity> logger) : BackgroundService
{
    /// <summary>Bounds that keep the demo readable: a queue that never runs away, a few agents on calls at most.</summary>
    private const int MaxWaiting = 7;
    private const int MaxOnCall = 6;

    private static readonly PresenceStatus[] ChosenStatuses =
        [PresenceStatus.Available, PresenceStatus.Available, PresenceStatus.Busy, PresenceStatus.Away, PresenceStatus.Dnd];

    private readonly Random _random = new();
    // The seed enqueues these three; later ids are ours. Only ids we know are dequeued.
    private readonly Queue<string> _waiting = new(["demo-queued-1", "demo-queued-2", "demo-queued-3"]);
    private int _nextId;

    /// <summary>Demo:Activity when it is set to true or false; otherwise on exactly in the demo run (a development key).</summary>
    public bool Enabled => bool.TryParse(configuration["Demo:Activity"], out var on) ? on : keys.IsDevelopmentKey;

    private static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(100);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled) return;
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(stoppingToken);

        var interval = DefaultInterval;
        if (configuration["Demo:ActivityInterval"] is { } text &&
            !(TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out interval) && interval >= MinInterval))
        {
            // A bad or zero interval would throw inside the timer and stop the host; the demo is not worth that.
            LogBadInterval(logger, text, DefaultInterval);
            interval = DefaultInterval;
        }
        using var timer = new PeriodicTimer(interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await StepAsync();
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // The demo must never take the gateway down; the next tick tries again (e.g. seed not done yet).
                    LogStepFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One random, bounded change to the demo group.</summary>
    private async Task StepAsync()
    {
        var group = grains.GetGrain<IGroupGrain>(PresenceIds.Key(DemoTenant.OrgId, DemoTenant.GroupId));
        if (await group.GetSnapshotAsync() is not { } snapshot) return; // not seeded yet
        var members = snapshot.Members.Where(m => m.Status != PresenceStatus.Offline).ToArray();
        var onCall = members.Where(m => m.Status == PresenceStatus.OnCall).ToArray();
        var available = members.Where(m => m.Status == PresenceStatus.Available).ToArray();

        switch (_random.Next(4))
        {
            case 0 when onCall.Length > 0:
                var ending = Pick(onCall)!;
                var user = await grains.GetGrain<IUserGrain>(PresenceIds.Key(DemoTenant.OrgId, ending.UserId)).GetSnapshotAsync();
                if (user?.ActiveCall is { } call)
                {
                    await User(ending.UserId).EndCallAsync(call.CallId);
                    LogStep(logger, "call ended", ending.UserId);
                }
                break;
            case 1 when available.Length > 0 && onCall.Length < MaxOnCall:
                // An available agent answers: the oldest waiting call leaves the queue when there is one.
                var answering = Pick(available)!;
                if (_waiting.TryDequeue(out var queued)) await group.DequeueCallAsync(queued);
                var callId = $"demo-call-{++_nextId}";
                await User(answering.UserId).StartCallAsync(new ActiveCall(callId, CallDirection.Inbound, "+44 20 7946 0000", clock.GetUtcNow()));
                LogStep(logger, "call started", answering.UserId);
                break;
            // Bounded by the grain's own count too: a dequeue that failed (a timeout on a loaded box) leaves the call
            // in the grain's queue after it left _waiting, and the board would then show more than MaxWaiting.
            case 2 when _waiting.Count < MaxWaiting && snapshot.Queue.CallsWaiting < MaxWaiting:
                var id = $"demo-queued-x{++_nextId}";
                await group.EnqueueCallAsync(id);
                _waiting.Enqueue(id);
                LogStep(logger, "call queued", id);
                break;
            default:
                var changing = Pick(members.Where(m => m.Status != PresenceStatus.OnCall).ToArray());
                if (changing is null) break;
                var status = ChosenStatuses[_random.Next(ChosenStatuses.Length)];
                await User(changing.UserId).SetPresenceAsync(new PresenceChange(status, null));
                LogStep(logger, $"status {status.ToWire()}", changing.UserId);
                break;
        }
    }

    private IUserGrain User(string userId) => grains.GetGrain<IUserGrain>(PresenceIds.Key(DemoTenant.OrgId, userId));

    private GroupMember? Pick(GroupMember[] from) => from.Length == 0 ? null : from[_random.Next(from.Length)];

    [LoggerMessage(32, LogLevel.Debug, "Demo activity: {Step} ({Subject})")]
    private static partial void LogStep(ILogger logger, string step, string subject);

    [LoggerMessage(34, LogLevel.Warning, "Demo:ActivityInterval '{Interval}' is not a time span of 100 ms or more (e.g. 00:00:03); using {Default}")]
    private static partial void LogBadInterval(ILogger logger, string interval, TimeSpan @default);

    [LoggerMessage(33, LogLevel.Debug, "Demo activity step failed; trying again on the next tick")]
    private static partial void LogStepFailed(ILogger logger, Exception exception);
}
