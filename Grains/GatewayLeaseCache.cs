using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace FreedomCti.Presence.Grains;

/// <summary>
/// What this silo knows of each gateway's lease (when it last renewed), shared by its user grains: a user grain whose
/// in-band session is due for a holder check asks here, and only when what is known no longer covers the session's
/// lease is the gateway's <see cref="IGatewayLeaseGrain"/> called. With a gateway renewing every third of a lease,
/// that is about one call per gateway per silo per two thirds of a lease, however many sessions the gateway holds.
/// </summary>
/// <remarks>Thread-safe: user grains of every activation on the silo use it at once. Registered by AddPresenceGrid.</remarks>
public sealed class GatewayLeaseCache(IGrainFactory grains, TimeProvider time, ILogger<GatewayLeaseCache> logger)
{
    /// <summary>
    /// How long a holder check waits for a lease grain (whose silo may be dying) before taking the gateway as alive:
    /// the user grain does not serve other calls meanwhile, and presence writes must answer within Api:WriteTimeout (3 s).
    /// </summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Entries beyond which those not renewed for <see cref="ForgetAfter"/> are dropped (gateways that left).</summary>
    private const int PruneAbove = 256;

    private static readonly TimeSpan ForgetAfter = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _renewedAt = new(StringComparer.Ordinal);
    private long _calls;
    private long _cached;

    /// <summary>Holder checks that called a lease grain (the cache did not cover them).</summary>
    public long Calls => Interlocked.Read(ref _calls);

    /// <summary>Holder checks answered from the cache.</summary>
    public long Cached => Interlocked.Read(ref _cached);

    /// <summary>
    /// When <paramref name="gatewayId"/> last renewed, as far as it decides a session of <paramref name="lease"/> now:
    /// from the cache while that covers the lease, else from the gateway's lease grain.
    /// </summary>
    /// <remarks>
    /// A lease grain that does not answer (its silo is dying) counts as renewed now, like a new activation of it would:
    /// a crash must not cost live clients their sessions. That is not cached, so the next check asks again. Any
    /// failure counts so, not only the cluster's: a holder check must never end a session it could not judge.
    /// </remarks>
    public async Task<DateTimeOffset> RenewedAtAsync(string gatewayId, TimeSpan lease)
    {
        var now = time.GetUtcNow();
        if (_renewedAt.TryGetValue(gatewayId, out var known) && known + lease > now)
        {
            Interlocked.Increment(ref _cached);
            GrainsMetrics.SessionHolderChecks.Add(1, new KeyValuePair<string, object?>("answered_by", "cache"));
            return known;
        }
        Interlocked.Increment(ref _calls);
        GrainsMetrics.SessionHolderChecks.Add(1, new KeyValuePair<string, object?>("answered_by", "lease_grain"));
        DateTimeOffset renewed;
        try
        {
            renewed = await grains.GetGrain<IGatewayLeaseGrain>(gatewayId).GetRenewedAtAsync().WaitAsync(CallTimeout);
        }
        catch (Exception ex)
        {
            logger.HolderCheckFailed(ex, gatewayId);
            return now;
        }
        var kept = _renewedAt.AddOrUpdate(gatewayId, renewed, (_, old) => old > renewed ? old : renewed);
        if (_renewedAt.Count > PruneAbove) Prune(now);
        return kept;
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (gatewayId, renewed) in _renewedAt)
        {
            if (renewed < now - ForgetAfter) _renewedAt.TryRemove(KeyValuePair.Create(gatewayId, renewed));
        }
    }
}
