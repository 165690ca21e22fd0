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

    // A membership read answers in milliseconds. One that does not was most likely sent down the connection to the
    // silo just killed, before this client saw it drop: the Orleans client does not fail calls on a dropped gateway
    // connection, so it would wait for Cluster:ResponseTimeout, and with it this gateway's death notice.
    private static readonly TimeSpan FirstReadTimeout = TimeSpan.FromSeconds(1);
    private const int ReadKeys = 8; // the management grain is a stateless worker: any key, so each try takes another gateway bucket

    private readonly SemaphoreSlim _wake = new(0, 1);
    private int _failedReads;
    private int _recheckRunning; // 1 while a recheck round runs
    private int _recheckWanted; // 1 when a recheck was asked for and no round has started since
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
                var silos = await ReadMembershipAsync(stoppingToken);
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
                    RecheckEveryTopicSoon(stoppingToken);
                }
            }
            catch (Exception ex)
            {
                // On a graceful stop the Orleans client may shut down under a read before the token says so, and the
                // read fails with "the local host is shutting down", not a cancellation: that ends the loop quietly
                // (left to propagate, the host would log the service as failed, critically, on every stop).
                if (stoppingToken.IsCancellationRequested) return;
                GatewayLog.MembershipReadFailed(logger, ex);
            }
        }
    }

    /// <summary>
    /// One read of the membership as a silo sees it: given up after 1 s (doubling after each failure, up to
    /// <see cref="GatewayOptions.GrainCallTimeout"/>, so a slow but live cluster is still read), and after a failure tried
    /// on another key of the management grain, which the client routes by its own bucket, so not down the same dead
    /// connection. Measured: a read stuck on a killed silo delayed the death notice, and every re-watch and write
    /// retry waiting on it, by the 5 s response timeout (docs/architecture.md).
    /// </summary>
    private async Task<Dictionary<SiloAddress, SiloStatus>> ReadMembershipAsync(CancellationToken stoppingToken)
    {
        var failed = _failedReads; // only this service's one loop reads the membership
        var timeout = TimeSpan.FromTicks(Math.Min(options.Value.GrainCallTimeout.Ticks, FirstReadTimeout.Ticks << Math.Min(failed, 4)));
        try
        {
            var silos = await cluster.GetGrain<IManagementGrain>(failed % ReadKeys).GetHosts(onlyActive: false).WaitAsync(timeout, stoppingToken);
            _failedReads = 0;
            return silos;
        }
        catch when (!stoppingToken.IsCancellationRequested)
        {
            _failedReads++;
            throw;
        }
    }

    /// <summary>
    /// An event a live grain sent in the instant a silo died may have been lost on its way: two renewals a couple of
    /// seconds apart find any topic still behind (a renewal waits for an event one check overdue before resyncing).
    /// </summary>
    /// <remarks>
    /// One recheck at a time: asked again while one runs (another silo lost, more topics found on it), it makes one
    /// more round after the current one. Started afresh on every quarter-second check, as it once was while the
    /// re-watches drained, the renewal passes piled up and took grain calls and activation slots from the re-watches.
    /// </remarks>
    private void RecheckEveryTopicSoon(CancellationToken stoppingToken)
    {
        if (Interlocked.Exchange(ref _recheckWanted, 1) == 1) return; // already asked for and not yet started
        if (Interlocked.CompareExchange(ref _recheckRunning, 1, 0) == 0) _ = RecheckEveryTopicAsync(stoppingToken);
    }

    private async Task RecheckEveryTopicAsync(CancellationToken stoppingToken)
    {
        try
        {
            do
            {
                Volatile.Write(ref _recheckWanted, 0);
                await hub.RenewAllAsync(stoppingToken);
                await Task.Delay(RecheckDelay, clock, stoppingToken);
                await hub.RenewAllAsync(stoppingToken);
                Volatile.Write(ref _recheckRunning, 0);
            }
            // Asked again while this round ran: one more round, unless another caller started it meanwhile.
            while (Volatile.Read(ref _recheckWanted) == 1 && Interlocked.CompareExchange(ref _recheckRunning, 1, 0) == 0);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
