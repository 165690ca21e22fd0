using Microsoft.Extensions.Options;

namespace FreedomCti.Presence.Gateway.Topics;

/// <summary>
/// Notices silos declared dead and has the topics whose grains lived there watched again at once, instead of at their
/// next renewal: a watch lives in its activation's memory, and a killed silo says nothing (a graceful stop does:
/// each grain tells its watchers it moved). REST writes in flight at that moment are given up and retried
/// (<see cref="Hosting.StuckCalls"/>) instead of waiting for the write deadline.
/// </summary>
/// <remarks>
/// Reads the cluster's membership every <see cref="GatewayOptions.SiloCheckInterval"/>, and every quarter second for
/// a while after this gateway lost a connection to a silo, so a kill is acted on as soon as the cluster declares it.
/// Client mode only: an embedded gateway lives and dies with its one silo.
/// </remarks>
public sealed class SiloWatcher(
    IClusterClient cluster, TopicHub hub, Hosting.StuckCalls writes, IOptions<GatewayOptions> options, TimeProvider clock, ILogger<SiloWatcher> logger)
    : BackgroundService
{
    private static readonly TimeSpan FastInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan FastFor = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan RecheckDelay = TimeSpan.FromSeconds(2);

    private readonly SemaphoreSlim _wake = new(0, 1);
    private long _fastUntil;
    private HashSet<SiloAddress>? _dead; // null until the first read: silos dead before this gateway started are old news

    /// <summary>A connection to a silo dropped: it may be dead, so read the membership often for a while.</summary>
    public void CheckSoon()
    {
        Interlocked.Exchange(ref _fastUntil, (clock.GetUtcNow() + FastFor).UtcTicks);
        if (_wake.CurrentCount == 0) _wake.Release();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var fast = clock.GetUtcNow().UtcTicks < Interlocked.Read(ref _fastUntil);
            try
            {
                await _wake.WaitAsync(fast ? FastInterval : options.Value.SiloCheckInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            try
            {
                // Resolved per check: a client learns the grain types from the cluster only once it has connected.
                var silos = await cluster.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: false).WaitAsync(options.Value.GrainCallTimeout, stoppingToken);
                var dead = silos.Where(s => s.Value == SiloStatus.Dead).Select(s => s.Key).ToHashSet();
                if (_dead is not null && dead.Any(s => !_dead.Contains(s)))
                {
                    // Writes in flight may be waiting on it for an answer that will never come: give them up now.
                    var abandoned = writes.SiloDeclaredDead();
                    if (abandoned > 0) GatewayLog.WritesAbandoned(logger, abandoned);
                    // Topics in a re-watch backoff, or stuck on the dead silo, are tried again now that their grains can move.
                    hub.SiloDeclaredDead();
                }
                _dead = dead;
                var rewatched = hub.RewatchHostedOn(host => !silos.TryGetValue(host, out var status) || status == SiloStatus.Dead);
                if (rewatched > 0)
                {
                    GatewayLog.SiloLost(logger, rewatched);
                    _ = RecheckEveryTopicAsync(stoppingToken);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                GatewayLog.MembershipReadFailed(logger, ex);
            }
        }
    }

    /// <summary>
    /// An event a live grain sent in the instant a silo died may have been lost on its way: two renewals a couple of
    /// seconds apart find any topic still behind (a renewal waits for an event one check overdue before resyncing).
    /// </summary>
    private async Task RecheckEveryTopicAsync(CancellationToken stoppingToken)
    {
        try
        {
            await hub.RenewAllAsync(stoppingToken);
            await Task.Delay(RecheckDelay, clock, stoppingToken);
            await hub.RenewAllAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
